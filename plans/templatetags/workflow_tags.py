"""The workflow's fragments for any page that shows a plan; each computes its own context, so
including one is one line (after `{% load workflow_tags %}`):

    {% workflow_actions plan %}      the steps this user may take now, with their forms
    {% status_history plan %}        who moved the plan from which state to which, when, why
    {% row_comments plan task %}     the comments on one row (and, for a reviewer, a form to add one)
    {% row_comments plan %}          the comments on the whole plan
    {% row_comments_slot task %}     a row's place for them in a fragment kept for every viewer

They need `request` in the context (the request context processor) and a `plan`; row comments are
read once per page whatever the number of rows.
"""

from django import template

from plans.workflow.views import actions_context, comment_slot, history_context, row_comments_html

register = template.Library()


@register.inclusion_tag("plans/workflow/_actions.html", takes_context=True)
def workflow_actions(context, plan):
    request = context["request"]
    return {
        **actions_context(user=request.user, plan=plan, next_url=request.get_full_path()),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("plans/workflow/_status_history.html")
def status_history(plan):
    return history_context(plan)


@register.simple_tag(takes_context=True)
def row_comments(context, plan, task=None):
    return row_comments_html(user=context["request"].user, plan=plan, task=task, csrf_token=context.get("csrf_token"))


@register.simple_tag
def row_comments_slot(task):
    """{% row_comments_slot task %}: where the row's comments go, in a fragment kept for every viewer
    (plans.workflow.views.fill_comment_slots writes them in for each request)."""
    return comment_slot(task)
