import { InvalidArgumentError } from 'commander';

/** A commander parser for a numeric option, refusing anything outside [min, max] with the option's name. */
export function number(label: string, min: number, max: number, integer: boolean) {
  return (text: string) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value)))
      throw new InvalidArgumentError(`${label} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
    return value;
  };
}
