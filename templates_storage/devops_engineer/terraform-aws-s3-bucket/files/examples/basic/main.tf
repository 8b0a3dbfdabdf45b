provider "aws" {
  region = "eu-west-1"
}

module "{{ module_name }}" {
  source = "../../modules/{{ module_name }}"
  name   = "acme-artifacts-example"
{%- if access_logging %}
  log_bucket = "acme-access-logs"
{%- endif %}
  tags = {
    team = "platform"
  }
}

output "bucket_arn" {
  value = module.{{ module_name }}.arn
}
