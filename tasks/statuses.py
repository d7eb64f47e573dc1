"""The statuses of a row's progress at a reporting period's cut-off, declared once (pure: the model's
choices, the tally and the forms all read them from here)."""

from enum import StrEnum


class ProgressStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_ARISEN = "not_arisen"


LABELS = {
    ProgressStatus.NOT_STARTED: "Chưa thực hiện",
    ProgressStatus.IN_PROGRESS: "Đang thực hiện",
    ProgressStatus.DONE: "Đã thực hiện",
    ProgressStatus.NOT_ARISEN: "Không phát sinh",
}

# Counted as carried out ("đã thực hiện" in the tally's sense, DESIGN.md "Completion").
CARRIED_OUT = frozenset({ProgressStatus.DONE, ProgressStatus.IN_PROGRESS, ProgressStatus.NOT_ARISEN})
