from django.urls import path

from . import views

app_name = "{{ app_name }}"
urlpatterns = [
    path("", views.{{ model }}ListView.as_view(), name="list"),
    path("{% if slug_field %}<slug:slug>{% else %}<int:pk>{% endif %}/", views.{{ model }}DetailView.as_view(), name="detail"),
]
