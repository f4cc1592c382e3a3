export { ContainerAccess, DNS_BIND_HINT, upstreamResolvers, type AccessibleListener, type ContainerAccessOptions } from './container-access.js';
export { composeOverride, containerVariables, dockerRunArgs, shellLine, type ContainerEnvInput } from './container-env.js';
export { CONTAINER_TRUST_DIR, containerTrustDir, writeContainerTrust } from './container-trust.js';
export { DnsServer, type DnsServerOptions } from './dns-server.js';
export { DockerNetworks, type BridgeNetwork, type NetworkSnapshot } from './docker-networks.js';
export { servedNames, type ServedNames } from './served-names.js';
