import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import QRCode from 'qrcode';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { get } from '../lib/api';
import { bodyRecordsRetirement } from '../lib/certificate';
import { verifyInclusion, type InclusionProof } from '../lib/proof';
import type { Retirement } from '../lib/types';
import { LoadError, Loading, PageTitle } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Link } from '../ui/link';

function QrCode({ url }: { url: string }) {
  const { t } = useI18n();
  const [svg, setSvg] = useState('');
  useEffect(() => {
    QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } })
      .then(setSvg)
      .catch(() => setSvg(''));
  }, [url]);
  if (!svg) return null;
  // The SVG is generated here from our own URL, never from server input.
  return (
    <figure class="qr">
      <div role="img" aria-label={t('certificate.qr_label', { url })} dangerouslySetInnerHTML={{ __html: svg }} />
      <figcaption class="mono">{url}</figcaption>
    </figure>
  );
}

function Check({ ok, label, children }: { ok: boolean; label: MessageKey; children?: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <li class={ok ? 'check ok' : 'check bad'}>
      <span class="check-mark" aria-hidden="true">{ok ? '✓' : '✗'}</span>
      <span>
        <strong>{t(label)}</strong> <span class="visually-hidden">{ok ? t('proof.passed') : t('proof.failed')}</span>
        {children && <span class="check-detail">{children}</span>}
      </span>
    </li>
  );
}

function ProofPanel({ retirement, proof }: { retirement: Retirement; proof: InclusionProof }) {
  const { t, num, dateTime } = useI18n();
  const check = useMemo(() => verifyInclusion(proof), [proof]);
  const matches = bodyRecordsRetirement(proof.body, retirement);
  const ok = check.ok && matches;
  const head = proof.tree_head;
  return (
    <section class={`card proof ${ok ? 'ok' : 'bad'}`} aria-labelledby="proof-title">
      <h2 id="proof-title">{t('proof.title')}</h2>
      <p class="proof-result" role="status" data-testid="proof-result" data-ok={ok ? 'true' : 'false'}>
        {ok ? t('proof.verified') : t('proof.not_verified')}
      </p>
      <ol class="checks">
        <Check ok={matches} label="proof.check_record">
          {t('proof.check_record_detail', { seq: num(proof.leaf_index) })}
        </Check>
        <Check ok={check.pathValid} label="proof.check_path">
          {t('proof.check_path_detail', { count: num(proof.audit_path.length), size: num(head.tree_size) })}
        </Check>
        <Check ok={check.signatureValid} label="proof.check_signature">
          {t('proof.check_signature_detail', { time: dateTime(head.timestamp_ms) })}
        </Check>
      </ol>
      {!check.ok && check.failure && <p class="form-error">{t(`proof.failure.${check.failure}` as MessageKey)}</p>}
      <dl class="facts mono small">
        <div>
          <dt>{t('proof.leaf_hash')}</dt>
          <dd>{check.leafHash}</dd>
        </div>
        <div>
          <dt>{t('proof.root_hash')}</dt>
          <dd>{head.root_hash}</dd>
        </div>
        <div>
          <dt>{t('proof.public_key')}</dt>
          <dd>{head.public_key}</dd>
        </div>
      </dl>
      <p class="muted small">{t('proof.how')}</p>
    </section>
  );
}

export function Certificate({ id }: { id: number }) {
  const { t, tonnes, period, dateTime, year } = useI18n();
  const retirement = useFetch((signal) => get<Retirement>(`/retirements/${id}`, {}, signal), [id]);
  const proof = useFetch((signal) => get<InclusionProof>(`/retirements/${id}/proof`, {}, signal), [id]);
  if (retirement.error) return <LoadError error={retirement.error} reload={retirement.reload} />;
  const r = retirement.data;
  if (!r) return <Loading />;
  const url = `${window.location.origin}/retirements/${r.id}`;
  return (
    <article class="certificate">
      <p class="breadcrumb no-print">
        <Link href="/retirements">{t('retirements.title')}</Link>
      </p>
      <header class="certificate-head">
        <p class="eyebrow">{t('certificate.registry')}</p>
        <PageTitle>{t('certificate.title', { id: r.id })}</PageTitle>
      </header>
      <div class="certificate-body">
        <div>
          <p class="statement" data-testid="certificate-statement">
            {t('certificate.statement', {
              quantity: tonnes(r.quantity_tco2e),
              project: r.project_name,
              date: dateTime(r.retired_at_ms),
              beneficiary: r.beneficiary,
            })}
          </p>
          <dl class="facts">
            <div><dt>{t('retirement.beneficiary')}</dt><dd>{r.beneficiary}</dd></div>
            <div><dt>{t('retirement.reason')}</dt><dd>{r.reason}</dd></div>
            <div><dt>{t('retirement.quantity')}</dt><dd>{tonnes(r.quantity_tco2e)}</dd></div>
            <div><dt>{t('retirement.project')}</dt><dd><Link href={`/projects/${r.project_id}`}>{r.project_name}</Link></dd></div>
            <div><dt>{t('batch.vintage')}</dt><dd>{period(r.vintage_start, r.vintage_end)}</dd></div>
            <div><dt>{t('retirement.inventory_year')}</dt><dd>{year(r.inventory_year)}</dd></div>
            <div><dt>{t('retirement.jurisdiction')}</dt><dd>{r.jurisdiction}</dd></div>
            <div><dt>{t('retirement.retired_by')}</dt><dd>{r.retired_by}</dd></div>
            <div><dt>{t('retirement.retired_at')}</dt><dd>{dateTime(r.retired_at_ms)}</dd></div>
            <div>
              <dt>{t('retirement.serials')}</dt>
              <dd>
                <ul class="plain-list mono">{r.serials.map((s) => <li key={s}>{s}</li>)}</ul>
              </dd>
            </div>
          </dl>
        </div>
        <QrCode url={url} />
      </div>
      {proof.error ? <LoadError error={proof.error} reload={proof.reload} /> : !proof.data ? <Loading /> : <ProofPanel retirement={r} proof={proof.data} />}
      <p class="no-print">
        <button type="button" class="button secondary" onClick={() => window.print()}>
          {t('certificate.print')}
        </button>
      </p>
    </article>
  );
}
