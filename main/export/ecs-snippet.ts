// ECS wiring for target groups that Berth fills from Docker (elbv2-model.md section 6): a task
// definition whose port mappings use hostPort 0 in bridge mode (Docker picks the host port, as
// locally) and a service whose loadBalancers entries name the container, its port and the target
// group. Written as a separate file to merge into (CloudFormation) or keep beside (Terraform) the export.
import type { BerthConfig, DockerSelector, TargetGroup } from '../../shared/model/index.js';
import type { ExportPlan } from './plan.js';
import { NameRegistry, pascal, snake } from './names.js';
import { templateToJson, templateToYaml } from './cfn-yaml.js';
import { attr, blank, block, comment, expr, HclCall, writeHcl, type HclItem } from './hcl-writer.js';
import { describeSelector } from './warnings.js';

export interface EcsService {
  /** The container name in the task definition and in the service's loadBalancers entries. */
  container: string;
  selector: Omit<DockerSelector, 'containerPort' | 'protocol'>;
  /** bridge + hostPort 0 for instance targets; awsvpc (host port = container port) for ip targets. */
  networkMode: 'bridge' | 'awsvpc';
  ports: { containerPort: number; protocols: ('tcp' | 'udp')[]; hostPort?: number }[];
  bindings: { targetGroup: TargetGroup; containerPort: number }[];
  /** Listener and rule ids forwarding to the groups: ECS fails to attach a group no listener uses yet. */
  dependsOn: string[];
  healthCheckGracePeriodSeconds: number;
}

const TASK_MEMORY_MIB = 512;

export function ecsServices(config: BerthConfig, plan: ExportPlan): EcsService[] {
  const services = new Map<string, EcsService>();
  const names = new NameRegistry(255);
  for (const tg of config.targetGroups) {
    const docker = tg.targets.docker;
    if (!docker) continue;
    const { containerPort, protocol, ...selector } = docker;
    const networkMode = tg.targetType === 'ip' ? 'awsvpc' : 'bridge';
    const key = JSON.stringify([selector, networkMode]);
    let service = services.get(key);
    if (!service) {
      service = { container: names.claim(containerNameFor(docker, tg.name)), selector, networkMode, ports: [], bindings: [], dependsOn: [], healthCheckGracePeriodSeconds: 0 };
      services.set(key, service);
    }
    const protocols: ('tcp' | 'udp')[] = protocol ? [protocol] : tg.protocol === 'UDP' ? ['udp'] : tg.protocol === 'TCP_UDP' ? ['tcp', 'udp'] : ['tcp'];
    const port = service.ports.find((p) => p.containerPort === containerPort);
    if (port) port.protocols = [...new Set([...port.protocols, ...protocols])];
    else service.ports.push({ containerPort, protocols });
    service.bindings.push({ targetGroup: tg, containerPort });
    // A health check on a fixed port cannot follow dynamic host ports: publish that port as itself.
    const hcPort = tg.healthCheck.port;
    if (networkMode === 'bridge' && hcPort !== 'traffic-port' && !service.ports.some((p) => p.containerPort === hcPort)) {
      service.ports.push({ containerPort: hcPort, protocols: ['tcp'], hostPort: hcPort });
    }
    // Long enough for a new task to pass the health checks before ECS acts on ELB health.
    const hc = tg.healthCheck;
    service.healthCheckGracePeriodSeconds = Math.max(service.healthCheckGracePeriodSeconds, hc.intervalSeconds * hc.healthyThresholdCount);
    const tgId = plan.model.targetGroups.find((t) => t.name === tg.name)?.id;
    const users = [
      ...plan.model.listeners.filter((l) => l.defaultActions.some((a) => a.type === 'forward' && a.targetGroups.some((g) => g.targetGroup === tgId))).map((l) => l.id),
      ...plan.model.rules.filter((r) => r.actions.some((a) => a.type === 'forward' && a.targetGroups.some((g) => g.targetGroup === tgId))).map((r) => r.id),
    ];
    service.dependsOn = [...new Set([...service.dependsOn, ...users])];
  }
  return [...services.values()];
}

/** compose service, else a literal container name, else the first label value, else the image's name. */
function containerNameFor(d: DockerSelector, fallback: string): string {
  const literal = d.containerName && !/[*?]/.test(d.containerName) ? d.containerName : undefined;
  const label = d.labels ? Object.values(d.labels)[0] : undefined;
  const image = d.image?.split('/').pop()?.split(/[:@]/)[0]?.replace(/[*?]/g, '');
  const name = (d.composeService ?? literal ?? label ?? image ?? fallback).replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return name || fallback;
}

const DOC = [
  'ECS wiring for the target groups Berth fills from Docker.',
  'Locally, Berth registers every published host port of the matching containers; on AWS an ECS service',
  'does the same: with bridge networking and hostPort 0 Docker picks a free host port per task, and ECS',
  'registers instance + host port in the target group named in the service\'s loadBalancers entry.',
  'Services depend on the listeners and rules that use their groups (ECS cannot attach a group that no',
  'listener forwards to yet). A health check on a fixed port is published on that same host port, which',
  'allows one such task per instance. Review the image, memory and desired count before deploying.',
];

export function ecsCloudFormationSnippet(config: BerthConfig, plan: ExportPlan, syntax: 'yaml' | 'json'): string | undefined {
  const services = ecsServices(config, plan);
  if (services.length === 0) return undefined;
  const ids = new NameRegistry();
  // The snippet is merged into the template: its names must not collide with the template's.
  const { loadBalancers, listeners, listenerCertificates, rules, targetGroups } = plan.model;
  for (const r of [...plan.inputs.map((i) => ({ id: i.key })), ...loadBalancers, ...listeners, ...listenerCertificates, ...rules, ...targetGroups]) ids.claim(r.id);
  const tgIds = new Map(plan.model.targetGroups.map((t) => [t.name, t.id]));
  const parameters: Record<string, unknown> = {};
  const resources: Record<string, unknown> = {};
  const cluster = ids.claim('EcsCluster');
  parameters[cluster] = { Type: 'String', Description: 'Name or ARN of the ECS cluster (EC2 capacity) that runs the services' };
  const subnets = services.some((s) => s.networkMode === 'awsvpc') ? ids.claim('EcsSubnets') : undefined;
  if (subnets) parameters[subnets] = { Type: 'List<AWS::EC2::Subnet::Id>', Description: 'Subnets for tasks in awsvpc mode (ip target groups)' };
  for (const s of services) {
    const image = ids.claim(`${pascal(s.container)}EcsImage`);
    parameters[image] = { Type: 'String', Description: `Image for container ${s.container} (locally: ${describeSelector(s.selector) || 'any container'})` };
    const task = ids.claim(`${pascal(s.container)}EcsTaskDefinition`);
    resources[task] = {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Family: s.container,
        NetworkMode: s.networkMode,
        RequiresCompatibilities: ['EC2'],
        ContainerDefinitions: [{
          Name: s.container,
          Image: { Ref: image },
          Essential: true,
          Memory: TASK_MEMORY_MIB,
          PortMappings: s.ports.flatMap((p) => p.protocols.map((Protocol) => ({ ContainerPort: p.containerPort, ...(s.networkMode === 'bridge' ? { HostPort: p.hostPort ?? 0 } : {}), Protocol }))),
        }],
      },
    };
    resources[ids.claim(`${pascal(s.container)}EcsService`)] = {
      Type: 'AWS::ECS::Service',
      ...(s.dependsOn.length ? { DependsOn: s.dependsOn } : {}),
      Properties: {
        ServiceName: s.container,
        Cluster: { Ref: cluster },
        TaskDefinition: { Ref: task },
        LaunchType: 'EC2',
        DesiredCount: 1,
        HealthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
        LoadBalancers: s.bindings.map((b) => ({ ContainerName: s.container, ContainerPort: b.containerPort, TargetGroupArn: { Ref: tgIds.get(b.targetGroup.name)! } })),
        ...(s.networkMode === 'awsvpc' && subnets ? { NetworkConfiguration: { AwsvpcConfiguration: { Subnets: { Ref: subnets } } } } : {}),
      },
    };
  }
  const merge = 'Merge these Parameters and Resources into the exported template: they Ref its target groups.';
  if (syntax === 'json') return templateToJson({ Metadata: { BerthEcsSnippet: [...DOC, merge] }, Parameters: parameters, Resources: resources });
  return templateToYaml({ Parameters: parameters, Resources: resources }, [...DOC, merge].map((l) => ` ${l}`).join('\n'));
}

export function ecsTerraformSnippet(config: BerthConfig, plan: ExportPlan): string | undefined {
  const services = ecsServices(config, plan);
  if (services.length === 0) return undefined;
  const variables = new NameRegistry(64);
  for (const i of plan.inputs) variables.claim(i.tfName);
  const tfNames = new NameRegistry(64);
  const tgNames = new Map(plan.model.targetGroups.map((t) => [t.name, t.tfName]));
  const address = new Map<string, string>([
    ...plan.model.listeners.map((l) => [l.id, `aws_lb_listener.${l.tfName}`] as const),
    ...plan.model.rules.map((r) => [r.id, `aws_lb_listener_rule.${r.tfName}`] as const),
  ]);
  const items: HclItem[] = [comment([...DOC, 'Keep this file beside the exported one (same module): it refers to its target groups.'].join('\n'))];
  const cluster = variables.claim('ecs_cluster_arn');
  items.push(blank, block('variable', [cluster], [attr('description', 'ARN of the ECS cluster (EC2 capacity) that runs the services'), attr('type', expr('string'))]));
  const subnets = services.some((s) => s.networkMode === 'awsvpc') ? variables.claim('ecs_subnets') : undefined;
  if (subnets) items.push(blank, block('variable', [subnets], [attr('description', 'Subnets for tasks in awsvpc mode (ip target groups)'), attr('type', expr('list(string)'))]));
  for (const s of services) {
    const name = tfNames.claim(snake(s.container) || 'service');
    const image = variables.claim(`${name}_image`);
    items.push(blank, block('variable', [image], [attr('description', `Image for container ${s.container} (locally: ${describeSelector(s.selector) || 'any container'})`), attr('type', expr('string'))]));
    const container = {
      name: s.container,
      image: expr(`var.${image}`),
      essential: true,
      memory: TASK_MEMORY_MIB,
      portMappings: s.ports.flatMap((p) => p.protocols.map((protocol) => ({ containerPort: p.containerPort, ...(s.networkMode === 'bridge' ? { hostPort: p.hostPort ?? 0 } : {}), protocol }))),
    };
    items.push(blank, block('resource', ['aws_ecs_task_definition', name], [
      attr('family', s.container),
      attr('network_mode', s.networkMode),
      attr('requires_compatibilities', ['EC2']),
      attr('container_definitions', new HclCall('jsonencode', [container])),
    ]));
    const body: HclItem[] = [
      attr('name', s.container),
      attr('cluster', expr(`var.${cluster}`)),
      attr('task_definition', expr(`aws_ecs_task_definition.${name}.arn`)),
      attr('launch_type', 'EC2'),
      attr('desired_count', 1),
      attr('health_check_grace_period_seconds', s.healthCheckGracePeriodSeconds),
      ...(s.dependsOn.length ? [attr('depends_on', s.dependsOn.map((id) => expr(address.get(id)!)))] : []),
    ];
    for (const b of s.bindings) {
      body.push(blank, block('load_balancer', [], [
        attr('target_group_arn', expr(`aws_lb_target_group.${tgNames.get(b.targetGroup.name)}.arn`)),
        attr('container_name', s.container),
        attr('container_port', b.containerPort),
      ]));
    }
    if (s.networkMode === 'awsvpc' && subnets) body.push(blank, block('network_configuration', [], [attr('subnets', expr(`var.${subnets}`))]));
    items.push(blank, block('resource', ['aws_ecs_service', name], body));
  }
  return writeHcl(items);
}
