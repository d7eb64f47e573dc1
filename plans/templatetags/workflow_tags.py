"""The workflow's fragments for any page that shows a plan; each computes its own context, so
including one is one line (after `{% load workflow_tags %}`):

    {% workflow_actions plan %}      the steps this user may take now, with their forms
    {% status_history plan %}        who moved the plan from which state to which, when, why
    {% row_comments plan task %}     the comments on one row (and, for a reviewer, a form to add one)
    {% row_comments plan %}          the comments on the whole plan

They need `request` in the context (the request context processor) and a `plan`; row comments are
read once per page whatever the number of rows.
"""

from django import template

from plans.workflow.views import actions_context, history_context, row_context

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


@register.inclusion_tag("plans/workflow/_row_comments.html", takes_context=True)
def row_comments(context, plan, task=None):
    return {**row_context(user=context["request"].user, plan=plan, task=task), "csrf_token": context.get("csrf_token")}
