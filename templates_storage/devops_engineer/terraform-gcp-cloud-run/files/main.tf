resource "google_artifact_registry_repository" "images" {
  repository_id = "{{ service_name }}"
  location      = "{{ region }}"
  format        = "DOCKER"
}

resource "google_service_account" "run" {
  account_id   = "{{ service_name }}-run"
  display_name = "Cloud Run service {{ service_name }}"
}
{%- for secret in secrets %}

resource "google_secret_manager_secret" "{{ secret | downcase }}" {
  secret_id = "{{ service_name }}-{{ secret | downcase | replace: '_', '-' }}"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_iam_member" "{{ secret | downcase }}" {
  secret_id = google_secret_manager_secret.{{ secret | downcase }}.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.run.email}"
}
{%- endfor %}

resource "google_cloud_run_v2_service" "this" {
  name     = "{{ service_name }}"
  location = "{{ region }}"
  ingress  = "INGRESS_TRAFFIC_ALL"

  template {
    service_account                  = google_service_account.run.email
    max_instance_request_concurrency = 80
    scaling {
      min_instance_count = 0
      max_instance_count = {{ max_instances }}
    }
    containers {
      image = "{{ region }}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}/{{ service_name }}:${var.image_tag}"
      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        cpu_idle = true
      }
{%- for secret in secrets %}
      env {
        name = "{{ secret }}"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.{{ secret | downcase }}.secret_id
            version = "latest"
          }
        }
      }
{%- endfor %}
      startup_probe {
        http_get {
          path = "/healthz"
        }
      }
    }
  }

  depends_on = [{% for secret in secrets %}google_secret_manager_secret_iam_member.{{ secret | downcase }}{% unless forloop.last %}, {% endunless %}{% endfor %}]
}
{%- if public %}

resource "google_cloud_run_v2_service_iam_member" "public" {
  name     = google_cloud_run_v2_service.this.name
  location = google_cloud_run_v2_service.this.location
  role     = "roles/run.invoker"
  member   = "allUsers"
}
{%- endif %}

output "url" {
  value = google_cloud_run_v2_service.this.uri
}
