# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (4): these parts of berth.yaml do not carry over to AWS as they are.
#   - [udp-flow-settings] loadBalancers[dns].listeners[514].udpIdleTimeoutSeconds: udpIdleTimeoutSeconds = 30 has no AWS equivalent (AWS fixes the UDP flow idle timeout at 120 s and sets no flow limit)
#   - [udp-flow-settings] loadBalancers[dns].listeners[514].udpMaxFlows: udpMaxFlows = 5000 has no AWS equivalent (AWS fixes the UDP flow idle timeout at 120 s and sets no flow limit)
#   - [docker-targets] targetGroups[resolver].targets.docker: filled from Docker (composeService coredns, containerPort 53); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[syslog].targets.docker: filled from Docker (labels app=syslog, containerPort 514, protocol udp); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "dns_subnets" {
  description = "Subnets for load balancer dns"
  type        = list(string)
}

resource "aws_lb" "dns" {
  name               = "dns"
  load_balancer_type = "network"
  internal           = false
  subnets            = var.dns_subnets
}

resource "aws_lb_listener" "dns_tcp_udp_53" {
  load_balancer_arn        = aws_lb.dns.arn
  port                     = 53
  protocol                 = "TCP_UDP"
  tcp_idle_timeout_seconds = 60

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.resolver.arn
  }
}

resource "aws_lb_listener" "dns_udp_514" {
  load_balancer_arn = aws_lb.dns.arn
  port              = 514
  protocol          = "UDP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.syslog.arn
  }
}

resource "aws_lb_target_group" "resolver" {
  name                 = "resolver"
  port                 = 53
  protocol             = "TCP_UDP"
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

resource "aws_lb_target_group" "syslog" {
  name                 = "syslog"
  port                 = 514
  protocol             = "UDP"
  target_type          = "instance"
  vpc_id               = var.vpc_id
  deregistration_delay = 300
  proxy_protocol_v2    = false

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    matcher             = "200-399"
    path                = "/health"
    port                = "8080"
    protocol            = "HTTP"
    timeout             = 6
    unhealthy_threshold = 2
  }
}

output "dns_dns_name" {
  description = "DNS name of load balancer dns"
  value       = aws_lb.dns.dns_name
}

output "resolver_target_group_arn" {
  description = "ARN of target group resolver"
  value       = aws_lb_target_group.resolver.arn
}

output "syslog_target_group_arn" {
  description = "ARN of target group syslog"
  value       = aws_lb_target_group.syslog.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path  = "loadBalancers[dns].listeners[514].udpIdleTimeoutSeconds"
        value = 30
      },
      {
        path  = "loadBalancers[dns].listeners[514].udpMaxFlows"
        value = 5000
      },
      {
        path = "targetGroups[resolver].targets.docker"
        value = {
          composeService = "coredns"
          containerPort  = 53
        }
      },
      {
        path = "targetGroups[syslog].targets.docker"
        value = {
          labels = {
            app = "syslog"
          }
          containerPort = 514
          protocol      = "udp"
        }
      },
    ]
  }
}
