variable "project_id" {
  description = "Google Cloud project"
  type        = string
}

variable "image_tag" {
  description = "Tag of the image in the Artifact Registry repository"
  type        = string
  default     = "latest"
}
