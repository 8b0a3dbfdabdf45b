from django.contrib import admin

from .models import {{ model }}


@admin.register({{ model }})
class {{ model }}Admin(admin.ModelAdmin):
    list_display = ("name", "price_cents", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name",)
{%- if slug_field %}
    prepopulated_fields = {"slug": ("name",)}
{%- endif %}
