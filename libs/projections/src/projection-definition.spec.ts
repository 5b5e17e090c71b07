import { generationOf, physicalName } from './projection-definition';

describe('physical names of projection generations', () => {
  it('reads back what physicalName made, and nothing else', () => {
    expect(generationOf(physicalName('api_keys', 3))).toEqual({ collection: 'api_keys', version: 3, generation: 0 });
    expect(generationOf(physicalName('api_keys', 3, 12))).toEqual({ collection: 'api_keys', version: 3, generation: 12 });
    expect(generationOf('api_keys')).toBeUndefined();
    expect(generationOf('_checkpoints')).toBeUndefined();
    expect(generationOf('items__vx')).toBeUndefined();
  });
});
