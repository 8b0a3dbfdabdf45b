variable "name" {
  description = "Bucket name (globally unique)"
  type        = string
}

variable "tags" {
  description = "Tags for every resource"
  type        = map(string)
  default     = {}
}

variable "force_destroy" {
  description = "Allow destroying a non-empty bucket (never in production)"
  type        = bool
  default     = false
}
{%- if access_logging %}

variable "log_bucket" {
  description = "Bucket that receives the server access logs"
  type        = string
}
{%- endif %}
