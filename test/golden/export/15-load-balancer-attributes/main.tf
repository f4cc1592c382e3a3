# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (3): these parts of berth.yaml do not carry over to AWS as they are.
#   - [renamed] loadBalancers[internal-api].name: AWS load balancer names must not start with "internal-"; exported as api-internal (use scheme: internal for an internal load balancer)
#   - [docker-targets] targetGroups[backend].targets.docker: filled from Docker (composeProject platform, composeService backend, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[frontend].targets.docker: filled from Docker (composeProject platform, composeService frontend, containerPort 3000); on AWS, ECS registers the tasks instead — see the ECS snippet

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

variable "vpc_id" {
  description = "VPC the target groups belong to"
  type        = string
}

variable "internal_api_subnets" {
  description = "Subnets for load balancer internal-api (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "internal_api_security_groups" {
  description = "Security groups for load balancer internal-api"
  type        = list(string)
}

variable "public_web_subnets" {
  description = "Subnets for load balancer public-web (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "public_web_security_groups" {
  description = "Security groups for load balancer public-web"
  type        = list(string)
}

resource "aws_lb" "internal_api" {
  name                       = "api-internal"
  load_balancer_type         = "application"
  internal                   = true
  subnets                    = var.internal_api_subnets
  security_groups            = var.internal_api_security_groups
  idle_timeout               = 300
  preserve_host_header       = true
  xff_header_processing_mode = "preserve"
  enable_http2               = false
}

resource "aws_lb_listener" "internal_api_http_8080" {
  load_balancer_arn = aws_lb.internal_api.arn
  port              = 8080
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.backend.arn
  }
}

resource "aws_lb" "public_web" {
  name                       = "public-web"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.public_web_subnets
  security_groups            = var.public_web_security_groups
  idle_timeout               = 30
  preserve_host_header       = false
  xff_header_processing_mode = "remove"
}

resource "aws_lb_listener" "public_web_http_80" {
  load_balancer_arn = aws_lb.public_web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.frontend.arn
  }
}

resource "aws_lb_target_group" "backend" {
  name                          = "backend"
  port                          = 8080
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "instance"
  vpc_id                        = var.vpc_id
  deregistration_delay          = 300
  slow_start                    = 0
  load_balancing_algorithm_type = "round_robin"

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    matcher             = "200"
    path                = "/"
    port                = "traffic-port"
    protocol            = "HTTP"
    timeout             = 5
    unhealthy_threshold = 2
  }

  stickiness {
    cookie_duration = 86400
    enabled         = false
    type            = "lb_cookie"
  }
}

resource "aws_lb_target_group" "frontend" {
  name                          = "frontend"
  port                          = 3000
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "instance"
  vpc_id                        = var.vpc_id
  deregistration_delay          = 300
  slow_start                    = 0
  load_balancing_algorithm_type = "round_robin"

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    matcher             = "200"
    path                = "/"
    port                = "traffic-port"
    protocol            = "HTTP"
    timeout             = 5
    unhealthy_threshold = 2
  }

  stickiness {
    cookie_duration = 86400
    enabled         = false
    type            = "lb_cookie"
  }
}

output "internal_api_dns_name" {
  description = "DNS name of load balancer api-internal"
  value       = aws_lb.internal_api.dns_name
}

output "public_web_dns_name" {
  description = "DNS name of load balancer public-web"
  value       = aws_lb.public_web.dns_name
}

output "backend_target_group_arn" {
  description = "ARN of target group backend"
  value       = aws_lb_target_group.backend.arn
}

output "frontend_target_group_arn" {
  description = "ARN of target group frontend"
  value       = aws_lb_target_group.frontend.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path  = "loadBalancers[api-internal].name"
        value = "internal-api"
      },
      {
        path = "targetGroups[backend].targets.docker"
        value = {
          composeProject = "platform"
          composeService = "backend"
          containerPort  = 8080
        }
      },
      {
        path = "targetGroups[frontend].targets.docker"
        value = {
          composeProject = "platform"
          composeService = "frontend"
          containerPort  = 3000
        }
      },
    ]
  }
}
