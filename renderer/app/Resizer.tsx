import type { PointerEvent as ReactPointerEvent } from 'react';

interface Props {
  onResize: (position: number) => void;
  label: string;
  /** Where it stands and may go (px), for assistive technology: a focusable separator is a slider-like control. */
  value: number;
  min: number;
  max: number;
}

/** A vertical drag handle; arrow keys move it too. */
export function Resizer({ onResize, label, value, min, max }: Props) {
  const start = (event: ReactPointerEvent<HTMLDivElement>) => {
    const handle = event.currentTarget;
    handle.setPointerCapture(event.pointerId);
    const move = (moved: PointerEvent) => onResize(moved.clientX);
    const stop = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', stop);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', stop);
  };
  return (
    <div
      className="resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      onPointerDown={start}
      onKeyDown={(event) => {
        const rect = event.currentTarget.getBoundingClientRect();
        if (event.key === 'ArrowLeft') onResize(rect.left - 16);
        if (event.key === 'ArrowRight') onResize(rect.left + 16);
      }}
    />
  );
}
