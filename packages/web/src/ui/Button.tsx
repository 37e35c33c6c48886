import type { ButtonHTMLAttributes, ReactNode } from 'react';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'primary' | 'secondary' | 'danger' | 'ghost';
  /** Shown as a tooltip and to screen readers when the button is disabled (e.g. "your role cannot …"). */
  disabledReason?: string;
  busy?: boolean;
  children: ReactNode;
}

/** A button; `disabledReason` explains why it is disabled (a role lacking the permission, …). */
export function Button({
  variant = 'secondary',
  disabledReason,
  busy,
  disabled,
  children,
  className,
  ...rest
}: ButtonProps) {
  const off = disabled || busy || disabledReason !== undefined;
  return (
    <button
      type="button"
      className={`btn btn-${variant}${className ? ` ${className}` : ''}`}
      disabled={off}
      aria-busy={busy || undefined}
      title={disabledReason ?? rest.title}
      {...rest}
    >
      {children}
      {disabledReason && <span className="visually-hidden"> ({disabledReason})</span>}
    </button>
  );
}
