from django.db import models


class {{ model }}(models.Model):
    name = models.CharField(max_length=200)
{%- if slug_field %}
    slug = models.SlugField(max_length=200, unique=True)
{%- endif %}
    price_cents = models.PositiveIntegerField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["active", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(price_cents__lte=10_000_000), name="{{ app_name }}_price_cap"),
        ]

    def __str__(self) -> str:
        return self.name
