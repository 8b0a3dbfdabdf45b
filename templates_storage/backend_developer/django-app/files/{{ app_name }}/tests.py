from django.test import TestCase
from django.urls import reverse

from .models import {{ model }}


class {{ model }}ViewsTest(TestCase):
    def setUp(self):
        self.obj = {{ model }}.objects.create(name="Lamp", price_cents=1999{% if slug_field %}, slug="lamp"{% endif %})

    def test_list_shows_active_items(self):
        response = self.client.get(reverse("{{ app_name }}:list"))
        self.assertEqual(response.json()["items"][0]["name"], "Lamp")

    def test_detail_and_404(self):
        url = reverse("{{ app_name }}:detail", args=[{% if slug_field %}"lamp"{% else %}self.obj.pk{% endif %}])
        self.assertEqual(self.client.get(url).status_code, 200)
        self.obj.active = False
        self.obj.save()
        self.assertEqual(self.client.get(url).status_code, 404)
