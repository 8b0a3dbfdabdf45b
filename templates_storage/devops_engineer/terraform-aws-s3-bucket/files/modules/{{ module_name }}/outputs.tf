output "bucket" {
  description = "Bucket name"
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "Bucket ARN"
  value       = aws_s3_bucket.this.arn
}
{%- if encryption == 'sse-kms' %}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the bucket"
  value       = aws_kms_key.this.arn
}
{%- endif %}
