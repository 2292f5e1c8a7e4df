// Launch templates: Python-style `%(name)s` text, checked at save time, substituted at launch.
export { BUILTIN_TEMPLATE_NAMES, type BuiltinTemplateName } from './builtins.ts';
export { checkTemplate, type TemplateProblem, type TemplateProblemCode } from './check.ts';
export { templateNames } from './names.ts';
export { substituteTemplate, TemplateError } from './substitute.ts';
export { closestMatch, editDistance } from './suggest.ts';
