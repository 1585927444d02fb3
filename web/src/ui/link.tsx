import type { ComponentChildren } from 'preact';
import { onLinkClick } from '../lib/router';

export function Link(props: { href: string; class?: string; children: ComponentChildren; 'aria-current'?: 'page' }) {
  const { href, children, ...rest } = props;
  return (
    <a href={href} onClick={(event) => onLinkClick(event, href)} {...rest}>
      {children}
    </a>
  );
}
