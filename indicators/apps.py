from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Chỉ tiêu"

    def ready(self):
        from plans.parts import PlanPart, register

        from .services import set_targets, targets_to_data

        # The KPI targets travel with the plan's data: a new revision or a copy to a new year keeps them.
        register(
            PlanPart(
                key="targets", dump=targets_to_data, load=lambda *, plan, items: set_targets(plan=plan, targets=items)
            )
        )
