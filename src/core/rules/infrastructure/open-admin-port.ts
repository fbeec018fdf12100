import type { RuleFinding } from '../../check/findings';
import type { Rule } from '../rule';
import { allBlocks, attribute, hclFile, literalNumber, literalString, literalStrings, type HclBlock } from './hcl';
import { blockAddress } from './policy-documents';

/** Ports that should never face the whole internet: remote shells and databases. */
const ADMIN_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'SSH'],
  [3389, 'RDP'],
  [3306, 'MySQL'],
  [5432, 'PostgreSQL'],
  [1433, 'SQL Server'],
  [6379, 'Redis'],
  [27017, 'MongoDB'],
  [9200, 'Elasticsearch'],
]);

const ANYWHERE = new Set(['0.0.0.0/0', '::/0']);

/** What an ingress rule opens, once its literal values are read. */
interface Ingress {
  readonly from: number | undefined;
  readonly to: number | undefined;
  /** Lower-cased protocol (`tcp`, `-1`, `all`, `6`); undefined when not literal. */
  readonly protocol: string | undefined;
  readonly sources: readonly (string | undefined)[];
}

/** The resources the rule reads: security groups and their rules, Google firewalls. */
const FIREWALL_RESOURCES = new Set(['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'google_compute_firewall']);

/**
 * Flags AWS security group ingress open to the internet (`0.0.0.0/0`, `::/0`) on SSH, RDP or a
 * database port, or on every port and protocol: inline `ingress {}` blocks of `aws_security_group`,
 * `aws_security_group_rule` of type `ingress` and `aws_vpc_security_group_ingress_rule`; also GCP
 * `google_compute_firewall` rules from `0.0.0.0/0`. Ports or sources that are variables are not
 * judged. Web ports (80, 443) open to everyone are the point of a web server and are not reported.
 */
export const infrastructureOpenAdminPort: Rule = {
  id: 'infrastructure/open-admin-port',
  kind: 'language',
  defaultSeverity: 'error',
  summary: 'Security group opening SSH, RDP, a database or every port to the internet',
  rationale:
    'SSH, RDP and database ports open to `0.0.0.0/0` are scanned within minutes of going up and brute-forced from then on; ' +
    'one weak password or unpatched server is a breach. AI assistants open them "to make the connection work". Allow ' +
    'the office or VPN range, a bastion\'s security group, or use SSM Session Manager / IAP instead of an open port. ' +
    'Ports or sources given by variables are not judged; 80 and 443 are not reported.',
  check: () => [],
  languages: {
    terraform: {
      textTriggers: ['0.0.0.0/0', '::/0'],
      terraformBlocks: (block) => block.type === 'resource' && FIREWALL_RESOURCES.has(block.labels[0] ?? ''),
      check: ({ document }) => {
        const findings: RuleFinding[] = [];
        // Rules are top-level resources; inline ingress and allow blocks sit directly in a group or firewall.
        const enter = (block: HclBlock, parents: readonly HclBlock[]): boolean =>
          parents.length === 0 && block.type === 'resource' && (block.labels[0] === 'aws_security_group' || block.labels[0] === 'google_compute_firewall');
        for (const { block, parents } of allBlocks(hclFile(document), enter)) {
          const owner = parents[0];
          const type = (parents.length === 0 ? block : owner)?.labels[0];
          if (parents.length === 0 && block.type === 'resource') {
            if (type === 'aws_security_group_rule' && literalString(attribute(block, 'type')?.value) === 'ingress') {
              report(findings, block, block, awsIngress(block, ['cidr_blocks', 'ipv6_cidr_blocks']));
            } else if (type === 'aws_vpc_security_group_ingress_rule') {
              report(findings, block, block, awsIngress(block, ['cidr_ipv4', 'cidr_ipv6'], 'ip_protocol'));
            }
          } else if (block.type === 'ingress' && parents.length === 1 && owner?.type === 'resource' && type === 'aws_security_group') {
            report(findings, block, owner, awsIngress(block, ['cidr_blocks', 'ipv6_cidr_blocks']));
          } else if (block.type === 'allow' && parents.length === 1 && owner?.type === 'resource' && type === 'google_compute_firewall') {
            const direction = literalString(attribute(owner, 'direction')?.value);
            if (direction === undefined ? attribute(owner, 'direction') !== undefined : direction !== 'INGRESS') continue;
            for (const ingress of gcpIngress(block, owner)) report(findings, block, owner, ingress);
          }
        }
        return findings;
      },
    },
  },
};

function awsIngress(block: HclBlock, sourceAttributes: readonly string[], protocolAttribute = 'protocol'): Ingress {
  return {
    from: literalNumber(attribute(block, 'from_port')?.value),
    to: literalNumber(attribute(block, 'to_port')?.value),
    protocol: (literalString(attribute(block, protocolAttribute)?.value) ?? literalNumber(attribute(block, protocolAttribute)?.value)?.toString())?.toLowerCase(),
    sources: sourceAttributes.flatMap((name) => literalStrings(attribute(block, name)?.value)),
  };
}

/** One ingress per port range of a GCP `allow` block (no `ports` is every port of the protocol). */
function gcpIngress(allow: HclBlock, firewall: HclBlock): Ingress[] {
  const protocol = literalString(attribute(allow, 'protocol')?.value)?.toLowerCase();
  const sources = literalStrings(attribute(firewall, 'source_ranges')?.value);
  const ports = attribute(allow, 'ports');
  if (ports === undefined) return [{ from: 0, to: 65535, protocol: protocol === 'all' ? '-1' : protocol, sources }];
  return literalStrings(ports.value).flatMap((range) => {
    const match = range === undefined ? null : /^(\d+)(?:-(\d+))?$/.exec(range.trim());
    return match ? [{ from: Number(match[1]), to: Number(match[2] ?? match[1]), protocol, sources }] : [];
  });
}

function report(findings: RuleFinding[], at: HclBlock, owner: HclBlock, ingress: Ingress): void {
  const source = ingress.sources.find((cidr) => cidr !== undefined && ANYWHERE.has(cidr));
  if (source === undefined) return;
  const where = `\`${blockAddress(owner)}\``;
  const allProtocols = ingress.protocol === '-1' || ingress.protocol === 'all';
  // AWS ignores the ports of an all-protocol rule: it opens everything.
  if (allProtocols || (ingress.from !== undefined && ingress.to !== undefined && ingress.from <= 0 && ingress.to >= 65535 && isTcp(ingress.protocol))) {
    findings.push({ start: at.start, end: at.end, message: `${where} opens every port to \`${source}\` (the whole internet). Allow only the ports the service serves, from the ranges that need them.` });
    return;
  }
  if (ingress.from === undefined || ingress.to === undefined || !isTcp(ingress.protocol)) return;
  const exposed = [...ADMIN_PORTS].filter(([port]) => ingress.from! <= port && port <= ingress.to!);
  if (exposed.length === 0) return;
  const names = exposed.map(([port, name]) => `${name} (${port})`).join(', ');
  findings.push({
    start: at.start,
    end: at.end,
    message: `${where} opens ${names} to \`${source}\` (the whole internet). Allow a VPN or office range or a bastion's security group, or use SSM Session Manager / IAP.`,
  });
}

/** TCP by name or number (the admin and database ports are TCP services). */
function isTcp(protocol: string | undefined): boolean {
  return protocol === 'tcp' || protocol === '6';
}
