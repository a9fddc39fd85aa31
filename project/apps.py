from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The demo and the benchmark: installed last, so every app they drive is ready first."""

    name = "project"
    label = "project"
