import { classifyUsage, type UsageClass } from './usage-type.js';

export type Classifier = (service: string, usageType: string, unit: string) => UsageClass;

/** Classification is pure and the set of usage types small, so one memo serves every refresh. */
export function memoizedClassifier(): Classifier {
  const memo = new Map<string, UsageClass>();
  return (service, usageType, unit) => {
    const key = `${service}\u0000${usageType}\u0000${unit}`;
    let found = memo.get(key);
    if (!found) {
      found = classifyUsage(service, usageType, unit);
      memo.set(key, found);
    }
    return found;
  };
}
