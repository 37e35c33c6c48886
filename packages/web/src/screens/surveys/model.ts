// Surveys as the builder edits them (local types mirroring packages/core/src/surveys/types.ts; the server's
// validator is the source of truth).

export type Lang = 'fa' | 'ar' | 'en';
export const LANGS: Lang[] = ['fa', 'ar', 'en'];
export const langDir = (l: Lang) => (l === 'en' ? 'ltr' : 'rtl');
export type LocalizedText = Partial<Record<Lang, string>>;

export const QUESTION_TYPES = [
  'nps',
  'csat',
  'ces',
  'rating',
  'single_choice',
  'multiple_choice',
  'open_text',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const SCALE_TYPES = ['nps', 'csat', 'ces', 'rating'];

export interface Choice {
  id: string;
  label: LocalizedText;
}

export interface Question extends Record<string, unknown> {
  id: string;
  type: QuestionType;
  title: LocalizedText;
  description?: LocalizedText;
  required?: boolean;
  lowLabel?: LocalizedText;
  highLabel?: LocalizedText;
  direction?: 'ascending' | 'descending';
  points?: number;
  style?: 'numbers' | 'stars';
  choices?: Choice[];
  minSelected?: number;
  maxSelected?: number;
  multiline?: boolean;
  maxLength?: number;
  placeholder?: LocalizedText;
  logic?: unknown[];
}

export interface EndScreen {
  id: string;
  title: LocalizedText;
  body?: LocalizedText;
}

export interface SurveyDefinition {
  languages: Lang[];
  defaultLanguage?: Lang;
  intro?: LocalizedText;
  questions: Question[];
  endScreens: EndScreen[];
}

export interface SurveySettings extends Record<string, unknown> {
  anonymous?: boolean;
  multipleResponses?: boolean;
  linkTtlDays?: number;
  widget?: unknown;
  alerts?: { detractor?: boolean; lowScore?: boolean; sentimentBelow?: number };
}

export interface Survey {
  id: string;
  name: string;
  status: 'draft' | 'active' | 'closed';
  version: number;
  definition: SurveyDefinition;
  settings: SurveySettings;
  anonymousPath: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SurveyIssue {
  code: string;
  message: string;
  field?: string;
  questionId?: string;
}

/** Starter texts of a new survey's questions in every language (survey content, not console UI). */
const STARTER: Record<string, LocalizedText> = {
  nps: {
    fa: 'چقدر احتمال دارد ما را به یک دوست توصیه کنید؟',
    ar: 'ما مدى احتمال أن توصي بنا لصديق؟',
    en: 'How likely are you to recommend us to a friend?',
  },
  csat: {
    fa: 'چقدر از خدمات ما راضی هستید؟',
    ar: 'ما مدى رضاك عن خدمتنا؟',
    en: 'How satisfied are you with our service?',
  },
  ces: {
    fa: 'انجام کارتان با ما آسان بود.',
    ar: 'كان من السهل إنجاز ما تريد معنا.',
    en: 'It was easy to get what I needed done.',
  },
  rating: { fa: 'به تجربه‌تان امتیاز دهید.', ar: 'قيّم تجربتك.', en: 'Rate your experience.' },
  single_choice: { fa: 'کدام گزینه؟', ar: 'أي خيار؟', en: 'Which one?' },
  multiple_choice: { fa: 'کدام گزینه‌ها؟', ar: 'أي الخيارات؟', en: 'Which ones?' },
  open_text: {
    fa: 'چه چیزی را می‌توانیم بهتر کنیم؟',
    ar: 'ما الذي يمكننا تحسينه؟',
    en: 'What could we do better?',
  },
  end: { fa: 'از پاسخ شما سپاسگزاریم!', ar: 'شكراً على إجابتك!', en: 'Thank you for your answer!' },
  choiceA: { fa: 'گزینه ۱', ar: 'الخيار ١', en: 'Option 1' },
  choiceB: { fa: 'گزینه ۲', ar: 'الخيار ٢', en: 'Option 2' },
};

export function newQuestion(type: QuestionType, existing: Question[]): Question {
  const used = new Set(existing.map((q) => q.id));
  let id: string = type;
  for (let i = 2; used.has(id); i++) id = `${type}_${i}`;
  const q: Question = { id, type, title: { ...STARTER[type] } };
  if (type === 'rating') q.points = 5;
  if (type === 'single_choice' || type === 'multiple_choice')
    q.choices = [
      { id: 'a', label: { ...STARTER.choiceA } },
      { id: 'b', label: { ...STARTER.choiceB } },
    ];
  if (type === 'open_text') q.multiline = true;
  return q;
}

export function newDefinition(): SurveyDefinition {
  return {
    languages: ['fa', 'ar', 'en'],
    questions: [newQuestion('nps', []), { ...newQuestion('open_text', []), id: 'why' }],
    endScreens: [{ id: 'thanks', title: { ...STARTER.end } }],
  };
}

/** The scale a question's answers are on, for previews. */
export function scaleOf(q: Question): number[] {
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  switch (q.type) {
    case 'nps':
      return range(0, 10);
    case 'csat':
      return range(1, 5);
    case 'ces':
      return range(1, 7);
    case 'rating':
      return range(1, q.points ?? 5);
    default:
      return [];
  }
}

/** Groups the server's errors by question id ('' for the survey as a whole). */
export function issuesByQuestion(issues: SurveyIssue[], questions: Question[]): Map<string, SurveyIssue[]> {
  const out = new Map<string, SurveyIssue[]>();
  for (const e of issues) {
    const idx = /questions\[(\d+)\]/.exec(e.field ?? '')?.[1];
    const id = e.questionId ?? (idx !== undefined ? questions[Number(idx)]?.id : undefined) ?? '';
    const list = out.get(id) ?? [];
    list.push(e);
    out.set(id, list);
  }
  return out;
}
