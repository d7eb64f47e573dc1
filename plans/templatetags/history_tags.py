"""What changed in a plan, for any page that shows one (after `{% load history_tags %}`):

{% plan_diff plan %}     the changes since the last submission, row by row (nothing when the
                         plan has no earlier submission to compare with)
{% diff_parts parts "ins" %}   a text cut by plans.history.diff.word_diff, the changed words marked
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from plans.history.diff import changes_since_last_submission

register = template.Library()


@register.inclusion_tag("plans/history/_diff.html")
def plan_diff(plan, always=False):
    return {"plan": plan, "diff": changes_since_last_submission(plan), "always": always}


@register.simple_tag
def diff_parts(parts, tag="ins"):
    """[(text, marked)] as HTML: marked parts in <ins> (added) or <del> (removed), all escaped."""
    if tag not in ("ins", "del"):
        raise template.TemplateSyntaxError("diff_parts: the tag is 'ins' or 'del'.")
    if not parts:
        return format_html("<em>{}</em>", "(trống)")
    return format_html_join(
        "", "{}", ((format_html(f"<{tag}>{{}}</{tag}>", text) if marked else text,) for text, marked in parts)
    ) or mark_safe("")
