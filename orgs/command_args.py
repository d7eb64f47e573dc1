"""Reading --unit in the management commands: a Vietnamese message and a non-zero exit when the unit
does not exist or the name is ambiguous."""

from django.core.management.base import CommandError

from .services import UnitLookupError, find_unit


def unit_arg(query):
    try:
        return find_unit(query)
    except UnitLookupError as error:
        raise CommandError(str(error)) from error
