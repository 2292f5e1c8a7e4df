// External data management: the metadata catalog (MetaCat, SAM) and replica manager (Rucio) ports.
export {
  RULE_STATES,
  type Did,
  type ExternalFile,
  type FilePage,
  type MetadataCatalog,
  type OutputDeclaration,
  type ReplicaManager,
  type ReplicaRegistration,
  type RuleRequest,
  type RuleState,
  type RuleStatus,
} from './port.ts';
