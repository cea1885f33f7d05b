/** A whole number from 1 to `max`: whatever else is typed becomes the nearest allowed (empty is 1). */
export function CountInput({
  value,
  max,
  onChange,
  testId,
}: {
  value: number;
  max: number;
  onChange: (value: number) => void;
  testId?: string;
}) {
  return (
    <input
      type="number"
      min={1}
      max={max}
      value={value}
      onChange={(event) => onChange(Math.min(max, Math.max(1, Number(event.target.value) || 1)))}
      data-testid={testId}
    />
  );
}
