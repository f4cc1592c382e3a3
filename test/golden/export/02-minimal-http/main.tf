# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (1): these parts of berth.yaml do not carry over to AWS as they are.
#   - [docker-targets] targetGroups[web].targets.docker: filled from Docker (composeProject shop, composeService web, containerPort 80); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "app_subnets" {
  description = "Subnets for load balancer app (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "app_security_groups" {
  description = "Security groups for load balancer app"
  type        = list(string)
}

resource "aws_lb" "app" {
  name                       = "app"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.app_subnets
  security_groups            = var.app_security_groups
  idle_timeout               = 60
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "app_http_8080" {
  load_balancer_arn = aws_lb.app.arn
  port              = 8080
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_target_group" "web" {
  name                          = "web"
  port                          = 80
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

output "app_dns_name" {
  description = "DNS name of load balancer app"
  value       = aws_lb.app.dns_name
}

output "web_target_group_arn" {
  description = "ARN of target group web"
  value       = aws_lb_target_group.web.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path = "targetGroups[web].targets.docker"
        value = {
          composeProject = "shop"
          composeService = "web"
          containerPort  = 80
        }
      },
    ]
  }
}
