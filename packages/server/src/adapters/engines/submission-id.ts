// Submission ids become folder names on this machine and on launch hosts: server-made, checked
// anyway by every engine before one is used as a path.
const SAFE_NAME = /^(?!\.\.?$)[A-Za-z0-9_.-]{1,200}$/;

export function isSafeSubmissionId(id: string): boolean {
  return SAFE_NAME.test(id);
}

export function checkSubmissionId(id: string): string {
  if (!isSafeSubmissionId(id)) {
    throw new RangeError(`submission id '${id}' is not a safe folder name`);
  }
  return id;
}
