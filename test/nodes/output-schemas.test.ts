import { describe, expect, it } from 'vitest';
import { fieldsOutside, shapeOfSchema } from '../../engine/validate/field-shapes.ts';
import { builtinConnectors } from '../../nodes/registry.ts';

const specs = builtinConnectors.flatMap((connector) => connector.specs);

describe('declared output schemas', () => {
  it('cover each action’s example output field for field, so a dry run never outputs an undeclared field', () => {
    const declared = specs.filter((spec) => spec.output !== undefined);
    expect(declared.length).toBeGreaterThan(1);
    for (const spec of declared) {
      expect({ type: spec.type, outside: fieldsOutside(shapeOfSchema(spec.output!), spec.example) }).toEqual({ type: spec.type, outside: [] });
    }
  });
});

describe('which actions declare an output schema', () => {
  it('every vendor action and every core action with a fixed output does; triggers, set, approval, sub-playbooks and fail do not', () => {
    const undeclared = specs.filter((spec) => spec.output === undefined).map((spec) => spec.type);
    expect(undeclared.filter((type) => !specs.find((spec) => spec.type === type)?.kind.includes('trigger'))).toEqual([
      'core.set@1',
      'core.approval@1',
      'core.playbook@1',
      'core.fail@1',
    ]);
  });
});

describe('fields outside a shape', () => {
  it('names fields a closed object lacks, through lists, and lets open parts and nulls pass', () => {
    const schema = specs.find((spec) => spec.type === 'virustotal.ip_report@1')?.output;
    if (schema === undefined) throw new Error('virustotal.ip_report@1 declares no output schema');
    const shape = shapeOfSchema(schema);
    expect(fieldsOutside(shape, { verdict: 'x', flagged_by: [{ engine_name: 'a', extra: 1 }], attributes: { anything: true }, bogus: 1 })).toEqual([
      'flagged_by[0].extra',
      'bogus',
    ]);
    expect(fieldsOutside(shape, null)).toEqual([]);
  });
});
