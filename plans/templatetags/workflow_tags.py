"""The workflow's fragments for any page that shows a plan; each computes its own context, so
including one is one line (after `{% load workflow_tags %}`):

    {% workflow_actions plan %}      the steps this user may take now, with their forms
    {% status_history plan %}        who moved the plan from which state to which, when, why
    {% row_comments plan task %}     the comments on one row (and, for a reviewer, a form to add one)
    {% row_comments plan %}          the comments on the whole plan
    {% row_comments_slot task %}     a row's place for them in a fragment kept for every viewer

They need `request` in the context (the request context processor) and a `plan`; row comments are
read once per page whatever the number of rows.

The views are imported when a tag is first used, not with this library: Django imports every tag
library when its template engine starts, and the workflow's views bring the signing and the jobs with
them — half a second that every process rendering any template (a PDF from the command line, a worker)
would pay.
"""

from django import template

register = template.Library()


@register.inclusion_tag("plans/workflow/_actions.html", takes_context=True)
def workflow_actions(context, plan):
    from plans.workflow.views import actions_context

    request = context["request"]
    return {
        **actions_context(user=request.user, plan=plan, next_url=request.get_full_path()),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("plans/workflow/_status_history.html")
def status_history(plan):
    from plans.workflow.views import history_context

    return history_context(plan)


@register.simple_tag(takes_context=True)
def row_comments(context, plan, task=None):
    from plans.workflow.views import row_comments_html

    return row_comments_html(user=context["request"].user, plan=plan, task=task, csrf_token=context.get("csrf_token"))


@register.simple_tag
def row_comments_slot(task):
    """{% row_comments_slot task %}: where the row's comments go, in a fragment kept for every viewer
    (plans.workflow.views.fill_comment_slots writes them in for each request)."""
    from plans.workflow.views import comment_slot

    return comment_slot(task)
