import { describe, expect, it } from 'vitest';
import { taskAttributes } from '../../src/task/task-attributes.js';

describe('taskAttributes', () => {
  describe('fields named like Object.prototype members', () => {
    it('leaves them out instead of keying an attribute by an inherited member', () => {
      // As from JSON.parse, where __proto__ is an own field.
      const fields = JSON.parse(
        '{"taskType":"testing","constructor":"x","__proto__":"y","toString":"z","hasOwnProperty":1}',
      );
      expect(taskAttributes(fields)).toEqual({ 'mosaic.task.type': 'testing' });
    });
  });
});
