// The names POMS always substitutes into launch commands (POMS-REFERENCE §3), besides the
// campaign keywords. `parameter` is POMS's historical alias of `dataset`; `campaign` and `stage`
// are ours, so a command can name the stage it belongs to without a keyword per stage.
export const BUILTIN_TEMPLATE_NAMES = [
  'dataset',
  'parameter',
  'version',
  'group',
  'experimenter',
  'experiment',
  'campaign',
  'stage',
] as const;

export type BuiltinTemplateName = (typeof BUILTIN_TEMPLATE_NAMES)[number];
