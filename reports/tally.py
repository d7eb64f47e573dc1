"""The completion tally, as communes count it (seed 004's last lines).

Every leaf content of the plan counts once (a numbered task with bullet sub-items counts each
sub-item). A leaf counts as carried out ("đã thực hiện" in the tally's sense) when its status at
the period's cut-off is done, in progress or nothing arose to do; it counts as not carried out when
it has not started. Seed 004: 32 contents, 3 not started, so 29 and 90.625 %.

A leaf is late when a due date passed before the cut-off and it is not done: not started at all,
or (for a one-off deadline) still in progress. Periodic and continuous work in progress is being
done as planned, and nothing-arose is never late. Pure: the caller passes the leaves.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tasks.deadlines import DeadlineKind
from tasks.statuses import CARRIED_OUT, ProgressStatus

DONE, IN_PROGRESS, NOT_ARISEN, NOT_STARTED = (
    ProgressStatus.DONE,
    ProgressStatus.IN_PROGRESS,
    ProgressStatus.NOT_ARISEN,
    ProgressStatus.NOT_STARTED,
)


@dataclass(frozen=True)
class Leaf:
    key: str  # "II.5", or "II.1 (3)" for the third bullet under II.1
    status: str
    due_dates: tuple = ()
    deadline_kind: str = DeadlineKind.UNKNOWN
    content: str = ""


@dataclass
class Tally:
    total: int
    done: int  # carried out, in the tally's sense
    rate: Decimal  # percent, exact (90.625)
    by_status: dict = field(default_factory=dict)
    late: list = field(default_factory=list)  # Leaf

    def as_dict(self):
        return {
            "total": self.total,
            "done": self.done,
            "rate": float(self.rate),
            "by_status": self.by_status,
            "late": [
                {"key": leaf.key, "content": leaf.content, "due_dates": [d.isoformat() for d in leaf.due_dates]}
                for leaf in self.late
            ],
        }


def tally(leaves, cutoff: date) -> Tally:
    leaves = list(leaves)
    by_status = {status: 0 for status in (DONE, IN_PROGRESS, NOT_ARISEN, NOT_STARTED)}
    for leaf in leaves:
        by_status[leaf.status] += 1
    done = sum(by_status[status] for status in CARRIED_OUT)
    rate = Decimal(done) * 100 / Decimal(len(leaves)) if leaves else Decimal(0)
    rate = Decimal(format(rate.normalize(), "f"))  # 90.625, 100 (not 1E+2)
    return Tally(
        total=len(leaves),
        done=done,
        rate=rate,
        by_status=by_status,
        late=[leaf for leaf in leaves if is_late(leaf, cutoff)],
    )


def is_late(leaf, cutoff):
    passed = any(due < cutoff for due in leaf.due_dates)
    if leaf.status == NOT_STARTED:
        return passed
    return leaf.status == IN_PROGRESS and leaf.deadline_kind == DeadlineKind.FIXED and passed
