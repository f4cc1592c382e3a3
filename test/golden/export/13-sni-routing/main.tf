# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (5): these parts of berth.yaml do not carry over to AWS as they are.
#   - [sni-routing] loadBalancers[passthrough].listeners[443].rules[1]: routes TLS pass-through by SNI (a.example.com); AWS network listeners have no rules, so it is not exported — on AWS give each service its own listener, or terminate TLS on an application load balancer
#   - [sni-routing] loadBalancers[passthrough].listeners[443].rules[2]: routes TLS pass-through by SNI (*.b.localhost); AWS network listeners have no rules, so it is not exported — on AWS give each service its own listener, or terminate TLS on an application load balancer
#   - [docker-targets] targetGroups[default-tls].targets.docker: filled from Docker (composeService ingress, containerPort 443); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[tls-a].targets.docker: filled from Docker (composeService a, containerPort 8443); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[tls-b].targets.docker: filled from Docker (composeService b, containerPort 8443); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "passthrough_subnets" {
  description = "Subnets for load balancer passthrough"
  type        = list(string)
}

resource "aws_lb" "passthrough" {
  name               = "passthrough"
  load_balancer_type = "network"
  internal           = false
  subnets            = var.passthrough_subnets
}

resource "aws_lb_listener" "passthrough_tcp_443" {
  load_balancer_arn = aws_lb.passthrough.arn
  port              = 443
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.default_tls.arn
  }
}

resource "aws_lb_target_group" "default_tls" {
  name                 = "default-tls"
  port                 = 443
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

resource "aws_lb_target_group" "tls_a" {
  name                 = "tls-a"
  port                 = 8443
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

resource "aws_lb_target_group" "tls_b" {
  name                 = "tls-b"
  port                 = 8443
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

output "passthrough_dns_name" {
  description = "DNS name of load balancer passthrough"
  value       = aws_lb.passthrough.dns_name
}

output "default_tls_target_group_arn" {
  description = "ARN of target group default-tls"
  value       = aws_lb_target_group.default_tls.arn
}

output "tls_a_target_group_arn" {
  description = "ARN of target group tls-a"
  value       = aws_lb_target_group.tls_a.arn
}

output "tls_b_target_group_arn" {
  description = "ARN of target group tls-b"
  value       = aws_lb_target_group.tls_b.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path = "targetGroups[default-tls].targets.docker"
        value = {
          composeService = "ingress"
          containerPort  = 443
        }
      },
      {
        path = "targetGroups[tls-a].targets.docker"
        value = {
          composeService = "a"
          containerPort  = 8443
        }
      },
      {
        path = "targetGroups[tls-b].targets.docker"
        value = {
          composeService = "b"
          containerPort  = 8443
        }
      },
      {
        path     = "loadBalancers[passthrough].listeners[443].rules"
        insertAt = 0
        value = {
          priority = 1
          enabled  = true
          conditions = {
            sni = ["a.example.com"]
          }
          action = {
            forward = {
              targetGroups = [
                {
                  name   = "tls-a"
                  weight = 1
                },
              ]
            }
          }
        }
      },
      {
        path     = "loadBalancers[passthrough].listeners[443].rules"
        insertAt = 1
        value = {
          priority = 2
          enabled  = true
          conditions = {
            sni = ["*.b.localhost"]
          }
          action = {
            forward = {
              targetGroups = [
                {
                  name   = "tls-b"
                  weight = 1
                },
              ]
            }
          }
        }
      },
    ]
  }
}
