# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (4): these parts of berth.yaml do not carry over to AWS as they are.
#   - [certificate-parameter] loadBalancers[db-edge].listeners[6443].certificates: served locally from Berth's local CA (auto); on AWS supply ACM certificate ARNs in variable db_edge_tls_6443_certificate_arn
#   - [docker-targets] targetGroups[postgres].targets.docker: filled from Docker (composeService postgres, containerPort 5432); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[api-tls].targets.docker: filled from Docker (composeService api, containerPort 8443); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [unhealthy-termination-added] targetGroups[api-tls].unhealthyConnectionTermination: not set beside unhealthyDrainingIntervalSeconds; exported true, AWS's default (Terraform's target_health_state requires it)

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

variable "db_edge_subnets" {
  description = "Subnets for load balancer db-edge"
  type        = list(string)
}

variable "db_edge_tls_6443_certificate_arn" {
  description = "ACM certificate ARN for the TLS listener on port 6443 of db-edge (default certificate)"
  type        = string
}

resource "aws_lb" "db_edge" {
  name               = "db-edge"
  load_balancer_type = "network"
  internal           = true
  subnets            = var.db_edge_subnets
}

resource "aws_lb_listener" "db_edge_tcp_5432" {
  load_balancer_arn        = aws_lb.db_edge.arn
  port                     = 5432
  protocol                 = "TCP"
  tcp_idle_timeout_seconds = 1200

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.postgres.arn
  }
}

resource "aws_lb_listener" "db_edge_tls_6443" {
  load_balancer_arn = aws_lb.db_edge.arn
  port              = 6443
  protocol          = "TLS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.db_edge_tls_6443_certificate_arn
  alpn_policy       = "HTTP2Preferred"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api_tls.arn
  }
}

resource "aws_lb_target_group" "postgres" {
  name                   = "postgres"
  port                   = 5432
  protocol               = "TCP"
  target_type            = "ip"
  vpc_id                 = var.vpc_id
  deregistration_delay   = 120
  proxy_protocol_v2      = true
  preserve_client_ip     = false
  connection_termination = true

  health_check {
    enabled             = true
    healthy_threshold   = 3
    interval            = 10
    port                = "traffic-port"
    protocol            = "TCP"
    timeout             = 5
    unhealthy_threshold = 3
  }

  stickiness {
    enabled = true
    type    = "source_ip"
  }

  target_health_state {
    enable_unhealthy_connection_termination = false
    unhealthy_draining_interval             = 300
  }
}

resource "aws_lb_target_group" "api_tls" {
  name                 = "api-tls"
  port                 = 8443
  protocol             = "TLS"
  target_type          = "instance"
  vpc_id               = var.vpc_id
  deregistration_delay = 300
  proxy_protocol_v2    = false

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    matcher             = "200-399"
    path                = "/healthz"
    port                = "8080"
    protocol            = "HTTPS"
    timeout             = 10
    unhealthy_threshold = 2
  }

  target_health_state {
    enable_unhealthy_connection_termination = true
    unhealthy_draining_interval             = 0
  }
}

output "db_edge_dns_name" {
  description = "DNS name of load balancer db-edge"
  value       = aws_lb.db_edge.dns_name
}

output "postgres_target_group_arn" {
  description = "ARN of target group postgres"
  value       = aws_lb_target_group.postgres.arn
}

output "api_tls_target_group_arn" {
  description = "ARN of target group api-tls"
  value       = aws_lb_target_group.api_tls.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path = "targetGroups[postgres].targets.docker"
        value = {
          composeService = "postgres"
          containerPort  = 5432
        }
      },
      {
        path = "targetGroups[api-tls].targets.docker"
        value = {
          composeService = "api"
          containerPort  = 8443
        }
      },
      {
        path  = "targetGroups[api-tls].unhealthyConnectionTermination"
        unset = true
      },
    ]
  }
}
