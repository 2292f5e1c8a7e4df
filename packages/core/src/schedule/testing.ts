// fast-check arbitraries for cron text (tests only).
import fc from 'fast-check';

function field(min: number, max: number, names: readonly string[] = []): fc.Arbitrary<string> {
  const atom = fc.oneof(
    fc.integer({ min, max }).map(String),
    ...(names.length > 0 ? [fc.constantFrom(...names)] : []),
  );
  const element = fc.oneof(
    fc.constant('*'),
    fc.integer({ min: 1, max: max - min + 1 }).map((step) => `*/${step}`),
    atom,
    fc
      .tuple(fc.integer({ min, max }), fc.integer({ min, max }))
      .map(([a, b]) => (a <= b ? `${a}-${b}` : `${b}-${a}`)),
    fc
      .tuple(fc.integer({ min, max }), fc.integer({ min, max }), fc.integer({ min: 1, max: 10 }))
      .map(([a, b, step]) => (a <= b ? `${a}-${b}/${step}` : `${b}-${a}/${step}`)),
  );
  return fc.array(element, { minLength: 1, maxLength: 4 }).map((elements) => elements.join(','));
}

/** Mostly valid 5-field cron text (a few never-firing day/month pairs are refused by the parser). */
export function cronText(): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 1,
      arbitrary: fc.constantFrom('@hourly', '@daily', '@weekly', '@monthly', '@yearly'),
    },
    {
      weight: 9,
      arbitrary: fc
        .tuple(
          field(0, 59),
          field(0, 23),
          field(1, 31),
          field(1, 12, ['jan', 'FEB', 'Mar', 'dec']),
          field(0, 7, ['sun', 'MON', 'Sat']),
        )
        .map((fields) => fields.join(' ')),
    },
  );
}
