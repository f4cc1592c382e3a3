# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (7): these parts of berth.yaml do not carry over to AWS as they are.
#   - [target-group-split] targetGroups[api]: serves load balancers public and admin; AWS associates a target group with one load balancer, so admin forwards to the copy api-admin (same settings and targets) — berth import merges them back
#   - [target-group-split] targetGroups[postgres]: serves load balancers db-a and db-b; AWS associates a target group with one load balancer, so db-b forwards to the copy postgres-db-b (same settings and targets) — berth import merges them back
#   - [docker-targets] targetGroups[api].targets.docker: filled from Docker (composeService api, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[admin-ui].targets.docker: filled from Docker (composeService admin-ui, containerPort 3000); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[postgres].targets.docker: filled from Docker (composeService postgres, containerPort 5432); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[api-admin].targets.docker: filled from Docker (composeService api, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[postgres-db-b].targets.docker: filled from Docker (composeService postgres, containerPort 5432); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "public_subnets" {
  description = "Subnets for load balancer public (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "public_security_groups" {
  description = "Security groups for load balancer public"
  type        = list(string)
}

variable "admin_subnets" {
  description = "Subnets for load balancer admin (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "admin_security_groups" {
  description = "Security groups for load balancer admin"
  type        = list(string)
}

variable "db_a_subnets" {
  description = "Subnets for load balancer db-a"
  type        = list(string)
}

variable "db_b_subnets" {
  description = "Subnets for load balancer db-b"
  type        = list(string)
}

resource "aws_lb" "public" {
  name                       = "public"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.public_subnets
  security_groups            = var.public_security_groups
  idle_timeout               = 60
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "public_http_80" {
  load_balancer_arn = aws_lb.public.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_lb" "admin" {
  name                       = "admin"
  load_balancer_type         = "application"
  internal                   = true
  subnets                    = var.admin_subnets
  security_groups            = var.admin_security_groups
  idle_timeout               = 60
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "admin_http_8080" {
  load_balancer_arn = aws_lb.admin.arn
  port              = 8080
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener_rule" "admin_http_8080_rule_10" {
  listener_arn = aws_lb_listener.admin_http_8080.arn
  priority     = 10

  action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.api_admin.arn
        weight = 9
      }
      target_group {
        arn    = aws_lb_target_group.admin_ui.arn
        weight = 1
      }
      stickiness {
        duration = 600
        enabled  = true
      }
    }
  }

  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}

resource "aws_lb_listener_rule" "admin_http_8080_rule_20" {
  listener_arn = aws_lb_listener.admin_http_8080.arn
  priority     = 20

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api_admin.arn
  }

  condition {
    path_pattern {
      values = ["/v2/*"]
    }
  }
}

resource "aws_lb" "db_a" {
  name               = "db-a"
  load_balancer_type = "network"
  internal           = false
  subnets            = var.db_a_subnets
}

resource "aws_lb_listener" "db_a_tcp_5432" {
  load_balancer_arn = aws_lb.db_a.arn
  port              = 5432
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.postgres.arn
  }
}

resource "aws_lb" "db_b" {
  name               = "db-b"
  load_balancer_type = "network"
  internal           = false
  subnets            = var.db_b_subnets
}

resource "aws_lb_listener" "db_b_tcp_5433" {
  load_balancer_arn = aws_lb.db_b.arn
  port              = 5433
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.postgres_db_b.arn
  }
}

resource "aws_lb_target_group" "api" {
  name                          = "api"
  port                          = 8080
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "instance"
  vpc_id                        = var.vpc_id
  deregistration_delay          = 30
  slow_start                    = 0
  load_balancing_algorithm_type = "least_outstanding_requests"

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 15
    matcher             = "200-299"
    path                = "/healthz"
    port                = "traffic-port"
    protocol            = "HTTP"
    timeout             = 4
    unhealthy_threshold = 2
  }

  stickiness {
    cookie_duration = 3600
    enabled         = true
    type            = "lb_cookie"
  }
}

resource "aws_lb_target_group" "admin_ui" {
  name                          = "admin-ui"
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

resource "aws_lb_target_group" "postgres" {
  name                 = "postgres"
  port                 = 5432
  protocol             = "TCP"
  target_type          = "instance"
  vpc_id               = var.vpc_id
  deregistration_delay = 300
  proxy_protocol_v2    = false

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    port                = "traffic-port"
    protocol            = "TCP"
    timeout             = 10
    unhealthy_threshold = 2
  }
}

resource "aws_lb_target_group" "api_admin" {
  name                          = "api-admin"
  port                          = 8080
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "instance"
  vpc_id                        = var.vpc_id
  deregistration_delay          = 30
  slow_start                    = 0
  load_balancing_algorithm_type = "least_outstanding_requests"

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 15
    matcher             = "200-299"
    path                = "/healthz"
    port                = "traffic-port"
    protocol            = "HTTP"
    timeout             = 4
    unhealthy_threshold = 2
  }

  stickiness {
    cookie_duration = 3600
    enabled         = true
    type            = "lb_cookie"
  }
}

resource "aws_lb_target_group" "postgres_db_b" {
  name                 = "postgres-db-b"
  port                 = 5432
  protocol             = "TCP"
  target_type          = "instance"
  vpc_id               = var.vpc_id
  deregistration_delay = 300
  proxy_protocol_v2    = false

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    port                = "traffic-port"
    protocol            = "TCP"
    timeout             = 10
    unhealthy_threshold = 2
  }
}

output "public_dns_name" {
  description = "DNS name of load balancer public"
  value       = aws_lb.public.dns_name
}

output "admin_dns_name" {
  description = "DNS name of load balancer admin"
  value       = aws_lb.admin.dns_name
}

output "db_a_dns_name" {
  description = "DNS name of load balancer db-a"
  value       = aws_lb.db_a.dns_name
}

output "db_b_dns_name" {
  description = "DNS name of load balancer db-b"
  value       = aws_lb.db_b.dns_name
}

output "api_target_group_arn" {
  description = "ARN of target group api"
  value       = aws_lb_target_group.api.arn
}

output "admin_ui_target_group_arn" {
  description = "ARN of target group admin-ui"
  value       = aws_lb_target_group.admin_ui.arn
}

output "postgres_target_group_arn" {
  description = "ARN of target group postgres"
  value       = aws_lb_target_group.postgres.arn
}

output "api_admin_target_group_arn" {
  description = "ARN of target group api-admin"
  value       = aws_lb_target_group.api_admin.arn
}

output "postgres_db_b_target_group_arn" {
  description = "ARN of target group postgres-db-b"
  value       = aws_lb_target_group.postgres_db_b.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path = "targetGroups[api].targets.docker"
        value = {
          composeService = "api"
          containerPort  = 8080
        }
      },
      {
        path = "targetGroups[admin-ui].targets.docker"
        value = {
          composeService = "admin-ui"
          containerPort  = 3000
        }
      },
      {
        path = "targetGroups[postgres].targets.docker"
        value = {
          composeService = "postgres"
          containerPort  = 5432
        }
      },
      {
        path = "targetGroups[api-admin].targets.docker"
        value = {
          composeService = "api"
          containerPort  = 8080
        }
      },
      {
        path = "targetGroups[postgres-db-b].targets.docker"
        value = {
          composeService = "postgres"
          containerPort  = 5432
        }
      },
      {
        path   = "targetGroups[api-admin]"
        remove = true
      },
      {
        path = "loadBalancers[admin].listeners[8080].rules[10].action.forward.targetGroups"
        value = [
          {
            name   = "api"
            weight = 9
          },
          {
            name   = "admin-ui"
            weight = 1
          },
        ]
      },
      {
        path = "loadBalancers[admin].listeners[8080].rules[20].action.forward.targetGroups"
        value = [
          {
            name   = "api"
            weight = 1
          },
        ]
      },
      {
        path   = "targetGroups[postgres-db-b]"
        remove = true
      },
      {
        path = "loadBalancers[db-b].listeners[5433].defaultAction.forward.targetGroups"
        value = [
          {
            name   = "postgres"
            weight = 1
          },
        ]
      },
    ]
  }
}
