from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View

from .models import {{ model }}


def as_json(obj: {{ model }}) -> dict:
    return {
        "id": obj.pk,
{%- if slug_field %}
        "slug": obj.slug,
{%- endif %}
        "name": obj.name,
        "price_cents": obj.price_cents,
    }


class {{ model }}ListView(View):
    def get(self, request):
        page = Paginator({{ model }}.objects.filter(active=True), {{ page_size }}).get_page(request.GET.get("page"))
        return JsonResponse({
            "items": [as_json(o) for o in page],
            "page": page.number,
            "pages": page.paginator.num_pages,
        })


class {{ model }}DetailView(View):
    def get(self, request, {% if slug_field %}slug{% else %}pk{% endif %}):
        obj = get_object_or_404({{ model }}, {% if slug_field %}slug=slug{% else %}pk=pk{% endif %}, active=True)
        return JsonResponse(as_json(obj))
