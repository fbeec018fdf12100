import type { RuleFinding } from '../../check/findings';
import type { Rule } from '../rule';
import { attribute, hclFile, literalBool, literalString, type HclBlock } from './hcl';
import { blockAddress } from './policy-documents';

/**
 * The AWS storage resources whose encryption at rest is off unless asked for, the attribute that
 * asks, and when the resource takes its encryption from elsewhere (a source, a snapshot, a
 * cluster). S3 (SSE-S3 since January 2023) and DynamoDB (always encrypted) are not listed: there is
 * nothing to switch on.
 */
interface StorageKind {
  readonly attribute: string;
  readonly what: string;
  /** True when the resource inherits its encryption, so an absent attribute says nothing. */
  inherits(block: HclBlock): boolean;
}

const has = (...names: string[]) => (block: HclBlock) => names.some((name) => attribute(block, name) !== undefined);

const STORAGE: Readonly<Record<string, StorageKind>> = {
  // Off unless the account turned on EBS encryption by default, which the file cannot show.
  aws_ebs_volume: { attribute: 'encrypted', what: 'EBS volume', inherits: has('snapshot_id') },
  // Aurora instances are encrypted by their cluster; replicas and restores take the source's setting.
  aws_db_instance: {
    attribute: 'storage_encrypted',
    what: 'RDS instance',
    inherits: (block) => has('replicate_source_db', 'snapshot_identifier', 'restore_to_point_in_time', 's3_import')(block) || /^aurora/.test(literalString(attribute(block, 'engine')?.value) ?? '') || attribute(block, 'cluster_identifier') !== undefined,
  },
  // Serverless v1 clusters are always encrypted; restores and global secondaries take their source's setting.
  aws_rds_cluster: {
    attribute: 'storage_encrypted',
    what: 'RDS cluster',
    inherits: (block) => has('replication_source_identifier', 'snapshot_identifier', 'restore_to_point_in_time', 's3_import', 'global_cluster_identifier')(block) || literalString(attribute(block, 'engine_mode')?.value) === 'serverless',
  },
  aws_efs_file_system: { attribute: 'encrypted', what: 'EFS file system', inherits: () => false },
  // Neptune and DocumentDB clusters, like provisioned RDS clusters, store in the clear unless asked.
  aws_neptune_cluster: { attribute: 'storage_encrypted', what: 'Neptune cluster', inherits: has('snapshot_identifier', 'replication_source_identifier', 'global_cluster_identifier') },
  aws_docdb_cluster: { attribute: 'storage_encrypted', what: 'DocumentDB cluster', inherits: has('snapshot_identifier', 'global_cluster_identifier') },
  // Valkey replication groups are encrypted at rest by default; Redis ones are not.
  aws_elasticache_replication_group: {
    attribute: 'at_rest_encryption_enabled',
    what: 'ElastiCache replication group',
    inherits: (block) => {
      const engine = attribute(block, 'engine');
      return engine !== undefined && literalString(engine.value) !== 'redis';
    },
  },
};

/**
 * Flags AWS storage left unencrypted at rest: EBS volumes, RDS instances and clusters, EFS file
 * systems, Neptune and DocumentDB clusters and Redis ElastiCache replication groups whose encryption attribute is `false`, or absent
 * where AWS's default is off.
 */
export const infrastructureUnencryptedStorage: Rule = {
  id: 'infrastructure/unencrypted-storage',
  kind: 'language',
  defaultSeverity: 'warning',
  summary: 'Storage unencrypted at rest (EBS, RDS, EFS, Neptune, DocumentDB, ElastiCache)',
  rationale:
    'EBS volumes, RDS, Neptune and DocumentDB databases, EFS file systems and Redis ElastiCache groups are stored in the clear unless encryption is ' +
    'asked for, and it cannot be turned on later without copying the data to a new resource. Snapshots of them can be ' +
    'shared by mistake, and compliance regimes (PCI, HIPAA, SOC 2) require encryption at rest. AI assistants leave the ' +
    'attribute out because the minimal example does. Set `encrypted`/`storage_encrypted`/`at_rest_encryption_enabled = true` ' +
    '(optionally with a KMS key). S3 and DynamoDB are encrypted by default and not reported; resources restored from a ' +
    'snapshot or replicating a source, Aurora instances and serverless v1 clusters take their encryption from elsewhere. ' +
    'An EBS volume may be covered by the account\'s "EBS encryption by default", which the file cannot show.',
  check: () => [],
  languages: {
    terraform: {
      textTriggers: Object.keys(STORAGE),
      terraformBlocks: (block) => block.type === 'resource' && Object.hasOwn(STORAGE, block.labels[0] ?? ''),
      check: ({ document, text }) => {
        const findings: RuleFinding[] = [];
        for (const block of hclFile(document).blocks) {
          const kind = block.type === 'resource' && Object.hasOwn(STORAGE, block.labels[0] ?? '') ? STORAGE[block.labels[0]!] : undefined;
          if (kind === undefined) continue;
          const setting = attribute(block, kind.attribute);
          const where = `\`${blockAddress(block)}\``;
          if (setting === undefined) {
            if (kind.inherits(block)) continue;
            // The block's first line: the header names the resource, and the finding does not cover the whole body.
            findings.push({ start: block.start, end: headerEnd(text, block), message: `${where} (${kind.what}) is not encrypted at rest: \`${kind.attribute}\` is absent and defaults to \`false\`. Set \`${kind.attribute} = true\`.` });
          } else if (literalBool(setting.value) === false) {
            findings.push({ start: setting.start, end: setting.end, message: `${where} (${kind.what}) turns encryption at rest off. Set \`${kind.attribute} = true\`: it cannot be switched on later without copying the data.` });
          }
        }
        return findings;
      },
    },
  },
};

/** Offset just past a block's `{`: findings about a whole block cover its header, not its body. */
export function headerEnd(text: string, block: HclBlock): number {
  const brace = text.indexOf('{', block.start);
  return brace >= 0 && brace < block.end ? brace + 1 : block.end;
}
