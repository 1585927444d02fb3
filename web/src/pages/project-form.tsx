import { useI18n } from '../i18n/i18n';
import { command, get, madeOf } from '../lib/api';
import { creditClasses } from '../lib/lookups';
import { navigate } from '../lib/router';
import type { CreditClass, Project, Reduction, User } from '../lib/types';
import { ProjectMap } from '../map/project-map';
import { formatOutline, parseOutline } from '../map/projection';
import { LoadError, Loading, PageTitle } from '../ui/bits';
import { useFetch } from '../ui/fetch';
import { Field, FormError, SubmitButton, useForm, type Values } from '../ui/form';
import { Link } from '../ui/link';

interface ProjectValues extends Values {
  class: string;
  name: string;
  description: string;
  jurisdiction: string;
  location: string;
  area_rai: string;
  buffer_bps: string;
}

/// Buffer share typed as a percentage ("15" or "12.5"); empty means the
/// class's default. Returns basis points, null for empty, NaN for nonsense.
export function bufferBpsOf(text: string): number | null {
  const trimmed = text.trim().replace('%', '');
  if (!trimmed) return null;
  const percent = Number(trimmed);
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) return NaN;
  return Math.round(percent * 100);
}

function valuesOf(project?: Project): ProjectValues {
  return {
    class: project ? String(project.class) : '',
    name: project?.name ?? '',
    description: project?.description ?? '',
    jurisdiction: project?.jurisdiction ?? 'TH-21',
    location: project ? formatOutline(project.location) : '',
    area_rai: project ? String(project.area_rai) : '',
    buffer_bps: project ? String(project.buffer_bps / 100) : '',
  };
}

/// Edits a project, drafts a new one, or (with `promote`) makes a factory's
/// reduction project a draft registry project under a reduction class.
function Editor({ classes, project, promote }: { classes: CreditClass[]; project?: Project; promote?: Reduction }) {
  const { t, percentBps } = useI18n();
  const initial = valuesOf(project);
  if (promote) {
    initial.name = promote.title;
    initial.description = promote.description;
  }
  if (!initial.class && classes.length) initial.class = String(classes[0].id);
  const form = useForm(initial);
  const outline = parseOutline(form.values.location);
  const submit = form.submit(async (values, key) => {
    const parsed = parseOutline(values.location);
    const area = Number(values.area_rai.replace(/[,\s]/g, ''));
    const buffer = bufferBpsOf(values.buffer_bps);
    if ('badLine' in parsed) return form.fail({ location: { key: 'error.outline_line', params: { line: parsed.badLine } } });
    if (!Number.isInteger(area) || values.area_rai.trim() === '') return form.fail({ area_rai: { key: 'error.whole_number' } });
    if (Number.isNaN(buffer)) return form.fail({ buffer_bps: { key: 'error.percent' } });
    const body = {
      class: Number(values.class),
      name: values.name,
      description: values.description,
      jurisdiction: values.jurisdiction,
      location: parsed.points,
      area_rai: area,
      buffer_bps: buffer,
    };
    if (promote) {
      const answer = await command(`/reductions/${promote.id}/registry-project`, body, key);
      const drafted = madeOf(answer, 'project');
      navigate(drafted ? `/projects/${drafted.project_id}` : '/factory');
    } else if (project) {
      await command(`/projects/${project.id}`, body, key, 'PUT');
      navigate(`/projects/${project.id}`);
    } else {
      const drafted = madeOf(await command('/projects', body, key), 'project');
      navigate(drafted ? `/projects/${drafted.project_id}` : '/my/projects');
    }
  });
  const classOptions = classes.map((c) => ({
    value: String(c.id),
    label: `${c.code} — ${c.name} (${t('class.buffer_default', { share: percentBps(c.default_buffer_bps) })})`,
  }));
  return (
    <form onSubmit={submit} noValidate class="stacked-form" data-testid="project-form">
      <FormError problem={form.formError} />
      <Field form={form} name="class" label="project.class" options={classOptions} required />
      <Field form={form} name="name" label="project.name" required />
      <Field form={form} name="description" label="project.description" multiline />
      <Field form={form} name="area_rai" label="project.area_rai" inputMode="numeric" hint={t('project.area_hint')} required />
      <Field form={form} name="location" label="project.location" multiline rows={6} hint={t('project.location_hint')} required />
      {'points' in outline && outline.points.length >= 3 && (
        <ProjectMap outline={outline.points} name={form.values.name || t('project.preview')} />
      )}
      <Field form={form} name="jurisdiction" label="project.jurisdiction" hint={t('project.jurisdiction_hint')} required />
      <Field form={form} name="buffer_bps" label="project.buffer_percent" inputMode="decimal" hint={t('project.buffer_hint')} />
      <div class="form-actions">
        <SubmitButton busy={form.busy} label={project ? 'project.save' : 'project.create'} testid="save-project" />
        <Link href={project ? `/projects/${project.id}` : promote ? '/factory' : '/my/projects'} class="button secondary">
          {t('common.cancel')}
        </Link>
      </div>
    </form>
  );
}

export function ProjectForm({ id, reduction }: { user: User; id?: number; reduction?: number }) {
  const { t } = useI18n();
  const classes = useFetch((signal) => creditClasses(signal), []);
  const project = useFetch((signal) => (id ? get<Project>(`/projects/${id}`, {}, signal) : Promise.resolve(undefined)), [id]);
  const promote = useFetch(
    (signal) => (reduction ? get<Reduction>(`/reductions/${reduction}`, {}, signal) : Promise.resolve(undefined)),
    [reduction],
  );
  const error = classes.error ?? project.error ?? promote.error;
  // A reduction project earns reduction credits, never removals.
  const usable = reduction ? classes.data?.filter((c) => c.kind === 'reduction') : classes.data;
  return (
    <section class="narrow">
      <PageTitle>{reduction ? t('reduction.promote_title') : id ? t('project.edit_title') : t('project.new_title')}</PageTitle>
      <p class="lead">{reduction ? t('reduction.promote_lead') : t('project.form_lead')}</p>
      {error ? (
        <LoadError error={error} />
      ) : !usable || (id && !project.data) || (reduction && !promote.data) ? (
        <Loading />
      ) : (
        <Editor classes={usable} project={project.data} promote={promote.data} />
      )}
    </section>
  );
}
