# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (14): these parts of berth.yaml do not carry over to AWS as they are.
#   - [ssl-policy-default] loadBalancers[web].listeners[8443].sslPolicy: no sslPolicy set; exported AWS's default ELBSecurityPolicy-2016-08 explicitly
#   - [certificate-parameter] loadBalancers[web].listeners[8443].certificates: served locally from Berth's local CA (auto); on AWS supply ACM certificate ARNs in variable web_https_8443_certificate_arn
#   - [docker-targets] targetGroups[users].targets.docker: filled from Docker (labels app=users, containerPort 8081); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [derived-port] targetGroups[users].port: no port set; exported port 8081 because AWS requires one (each registered target still brings its own port)
#   - [docker-targets] targetGroups[users-canary].targets.docker: filled from Docker (composeProject demo, composeService users-canary, containerPort 8081); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [derived-port] targetGroups[users-canary].port: no port set; exported port 8081 because AWS requires one (each registered target still brings its own port)
#   - [static-targets] targetGroups[auth].targets.static: static targets 127.0.0.1:3000 are addresses on this machine and are not exported; register your instances or IP addresses yourself
#   - [derived-port] targetGroups[auth].port: no port set; exported port 3000 because AWS requires one (each registered target still brings its own port)
#   - [docker-targets] targetGroups[game-tcp].targets.docker: filled from Docker (labels app=game, containerPort 7000); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [derived-port] targetGroups[game-tcp].port: no port set; exported port 7000 because AWS requires one (each registered target still brings its own port)
#   - [docker-targets] targetGroups[game-udp].targets.docker: filled from Docker (labels app=game, containerPort 7001); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [derived-port] targetGroups[game-udp].port: no port set; exported port 7001 because AWS requires one (each registered target still brings its own port)
#   - [local-only-name] loadBalancers[web].listeners[8080].rules[10].conditions.hostHeader: api.demo.localhost only resolves locally; exported unchanged — replace with your real domain
#   - [local-only-address] loadBalancers[web].listeners[8080].rules[20].conditions.sourceIp: 127.0.0.0/8 is a loopback range; AWS never sees such client addresses — exported unchanged

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

variable "web_subnets" {
  description = "Subnets for load balancer web (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "web_security_groups" {
  description = "Security groups for load balancer web"
  type        = list(string)
}

variable "web_https_8443_certificate_arn" {
  description = "ACM certificate ARN for the HTTPS listener on port 8443 of web (default certificate)"
  type        = string
}

variable "edge_subnets" {
  description = "Subnets for load balancer edge"
  type        = list(string)
}

resource "aws_lb" "web" {
  name                       = "web"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.web_subnets
  security_groups            = var.web_security_groups
  idle_timeout               = 60
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "web_http_8080" {
  load_balancer_arn = aws_lb.web.arn
  port              = 8080
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "no route"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener_rule" "web_http_8080_rule_10" {
  listener_arn = aws_lb_listener.web_http_8080.arn
  priority     = 10

  action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.users.arn
        weight = 80
      }
      target_group {
        arn    = aws_lb_target_group.users_canary.arn
        weight = 20
      }
      stickiness {
        duration = 300
        enabled  = true
      }
    }
  }

  condition {
    host_header {
      values = ["api.demo.localhost"]
    }
  }

  condition {
    path_pattern {
      values = ["/api/users*"]
    }
  }
}

resource "aws_lb_listener_rule" "web_http_8080_rule_20" {
  listener_arn = aws_lb_listener.web_http_8080.arn
  priority     = 20

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.auth.arn
  }

  condition {
    path_pattern {
      values = ["/api/auth*"]
    }
  }

  condition {
    http_header {
      http_header_name = "X-Env"
      values           = ["beta", "dev*"]
    }
  }

  condition {
    http_request_method {
      values = ["GET", "POST"]
    }
  }

  condition {
    query_string {
      key   = "version"
      value = "2"
    }
  }

  condition {
    source_ip {
      values = ["127.0.0.0/8"]
    }
  }
}

resource "aws_lb_listener_rule" "web_http_8080_rule_30" {
  listener_arn = aws_lb_listener.web_http_8080.arn
  priority     = 30

  action {
    type = "redirect"
    redirect {
      host        = "#{host}"
      path        = "/new/#{path}"
      port        = "#{port}"
      protocol    = "#{protocol}"
      query       = "#{query}"
      status_code = "HTTP_301"
    }
  }

  condition {
    path_pattern {
      values = ["/old/*"]
    }
  }
}

resource "aws_lb_listener" "web_https_8443" {
  load_balancer_arn = aws_lb.web.arn
  port              = 8443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  certificate_arn   = var.web_https_8443_certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.users.arn
  }
}

resource "aws_lb" "edge" {
  name               = "edge"
  load_balancer_type = "network"
  internal           = false
  subnets            = var.edge_subnets
}

resource "aws_lb_listener" "edge_tcp_7000" {
  load_balancer_arn = aws_lb.edge.arn
  port              = 7000
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.game_tcp.arn
  }
}

resource "aws_lb_listener" "edge_udp_7001" {
  load_balancer_arn = aws_lb.edge.arn
  port              = 7001
  protocol          = "UDP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.game_udp.arn
  }
}

resource "aws_lb_target_group" "users" {
  name                          = "users"
  port                          = 8081
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "instance"
  vpc_id                        = var.vpc_id
  deregistration_delay          = 5
  slow_start                    = 0
  load_balancing_algorithm_type = "round_robin"

  health_check {
    enabled             = true
    healthy_threshold   = 2
    interval            = 5
    matcher             = "200-299"
    path                = "/health"
    port                = "traffic-port"
    protocol            = "HTTP"
    timeout             = 2
    unhealthy_threshold = 2
  }

  stickiness {
    cookie_duration = 86400
    enabled         = false
    type            = "lb_cookie"
  }
}

resource "aws_lb_target_group" "users_canary" {
  name                          = "users-canary"
  port                          = 8081
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

resource "aws_lb_target_group" "auth" {
  name                          = "auth"
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

resource "aws_lb_target_group" "game_tcp" {
  name                 = "game-tcp"
  port                 = 7000
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

resource "aws_lb_target_group" "game_udp" {
  name                 = "game-udp"
  port                 = 7001
  protocol             = "UDP"
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

output "web_dns_name" {
  description = "DNS name of load balancer web"
  value       = aws_lb.web.dns_name
}

output "edge_dns_name" {
  description = "DNS name of load balancer edge"
  value       = aws_lb.edge.dns_name
}

output "users_target_group_arn" {
  description = "ARN of target group users"
  value       = aws_lb_target_group.users.arn
}

output "users_canary_target_group_arn" {
  description = "ARN of target group users-canary"
  value       = aws_lb_target_group.users_canary.arn
}

output "auth_target_group_arn" {
  description = "ARN of target group auth"
  value       = aws_lb_target_group.auth.arn
}

output "game_tcp_target_group_arn" {
  description = "ARN of target group game-tcp"
  value       = aws_lb_target_group.game_tcp.arn
}

output "game_udp_target_group_arn" {
  description = "ARN of target group game-udp"
  value       = aws_lb_target_group.game_udp.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path  = "loadBalancers[web].listeners[8443].sslPolicy"
        unset = true
      },
      {
        path = "targetGroups[users].targets.docker"
        value = {
          labels = {
            app = "users"
          }
          containerPort = 8081
        }
      },
      {
        path  = "targetGroups[users].port"
        unset = true
      },
      {
        path = "targetGroups[users-canary].targets.docker"
        value = {
          composeProject = "demo"
          composeService = "users-canary"
          containerPort  = 8081
        }
      },
      {
        path  = "targetGroups[users-canary].port"
        unset = true
      },
      {
        path  = "targetGroups[auth].targets.static"
        value = ["127.0.0.1:3000"]
      },
      {
        path  = "targetGroups[auth].port"
        unset = true
      },
      {
        path = "targetGroups[game-tcp].targets.docker"
        value = {
          labels = {
            app = "game"
          }
          containerPort = 7000
        }
      },
      {
        path  = "targetGroups[game-tcp].port"
        unset = true
      },
      {
        path = "targetGroups[game-udp].targets.docker"
        value = {
          labels = {
            app = "game"
          }
          containerPort = 7001
        }
      },
      {
        path  = "targetGroups[game-udp].port"
        unset = true
      },
    ]
  }
}
