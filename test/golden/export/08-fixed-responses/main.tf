# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (2): these parts of berth.yaml do not carry over to AWS as they are.
#   - [content-type-added] loadBalancers[static].listeners[9000].rules[1].action.fixedResponse.contentType: no content type set; exported text/plain (Terraform requires one)
#   - [content-type-added] loadBalancers[static].listeners[9000].rules[3].action.fixedResponse.contentType: no content type set; exported text/plain (Terraform requires one)

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

variable "static_subnets" {
  description = "Subnets for load balancer static (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "static_security_groups" {
  description = "Security groups for load balancer static"
  type        = list(string)
}

resource "aws_lb" "static" {
  name                       = "static"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.static_subnets
  security_groups            = var.static_security_groups
  idle_timeout               = 60
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "static_http_9000" {
  load_balancer_arn = aws_lb.static.arn
  port              = 9000
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "application/json"
      message_body = "{\"error\":\"maintenance\"}"
      status_code  = "503"
    }
  }
}

resource "aws_lb_listener_rule" "static_http_9000_rule_1" {
  listener_arn = aws_lb_listener.static_http_9000.arn
  priority     = 1

  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
    }
  }

  condition {
    path_pattern {
      values = ["/health"]
    }
  }
}

resource "aws_lb_listener_rule" "static_http_9000_rule_2" {
  listener_arn = aws_lb_listener.static_http_9000.arn
  priority     = 2

  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/html"
      message_body = "<h1>Hello</h1>"
      status_code  = "200"
    }
  }

  condition {
    path_pattern {
      values = ["/"]
    }
  }
}

resource "aws_lb_listener_rule" "static_http_9000_rule_3" {
  listener_arn = aws_lb_listener.static_http_9000.arn
  priority     = 3

  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "User-agent: *\nDisallow: /"
      status_code  = "200"
    }
  }

  condition {
    path_pattern {
      values = ["/robots.txt"]
    }
  }
}

resource "aws_lb_listener_rule" "static_http_9000_rule_4" {
  listener_arn = aws_lb_listener.static_http_9000.arn
  priority     = 4

  action {
    type = "fixed-response"
    fixed_response {
      content_type = "application/javascript"
      message_body = "// $${not} a template"
      status_code  = "404"
    }
  }

  condition {
    path_pattern {
      values = ["/app.js"]
    }
  }
}

resource "aws_lb_listener_rule" "static_http_9000_rule_5" {
  listener_arn = aws_lb_listener.static_http_9000.arn
  priority     = 5

  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/css"
      status_code  = "410"
    }
  }

  condition {
    path_pattern {
      values = ["/style.css"]
    }
  }
}

output "static_dns_name" {
  description = "DNS name of load balancer static"
  value       = aws_lb.static.dns_name
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path  = "loadBalancers[static].listeners[9000].rules[1].action.fixedResponse.contentType"
        unset = true
      },
      {
        path  = "loadBalancers[static].listeners[9000].rules[3].action.fixedResponse.contentType"
        unset = true
      },
    ]
  }
}
