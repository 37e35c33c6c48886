import type { SurveyDefinition } from '../../src/surveys';

const t = (fa: string, ar: string, en: string) => ({ fa, ar, en });

/** An NPS survey with skip logic: detractors are asked why, promoters skip to a thank-you screen. */
export const npsSurvey: SurveyDefinition = {
  languages: ['fa', 'ar', 'en'],
  questions: [
    {
      id: 'nps',
      type: 'nps',
      required: true,
      title: t(
        'چقدر احتمال دارد ما را به دوستانتان پیشنهاد کنید؟',
        'ما مدى احتمال أن توصي بنا لأصدقائك؟',
        'How likely are you to recommend us to a friend?',
      ),
      lowLabel: t('اصلاً', 'غير محتمل', 'Not at all likely'),
      highLabel: t('حتماً', 'محتمل جداً', 'Extremely likely'),
      logic: [{ if: { question: 'nps', op: 'gte', value: 9 }, goto: { end: 'thanks_promoter' } }],
    },
    {
      id: 'why',
      type: 'open_text',
      title: t('چه چیزی را باید بهتر کنیم؟', 'ما الذي يجب أن نحسنه؟', 'What should we improve?'),
      logic: [{ if: { question: 'nps', op: 'gte', value: 7 }, goto: { question: 'effort' } }],
    },
    {
      id: 'topics',
      type: 'multiple_choice',
      title: t('درباره چه؟', 'بخصوص ماذا؟', 'About what?'),
      choices: [
        { id: 'delivery', label: t('ارسال', 'التوصيل', 'Delivery') },
        { id: 'price', label: t('قیمت', 'السعر', 'Price') },
        { id: 'support', label: t('پشتیبانی', 'الدعم', 'Support') },
      ],
      maxSelected: 2,
    },
    {
      id: 'effort',
      type: 'ces',
      direction: 'descending',
      title: t('حل مشکل آسان بود.', 'كان حل مشكلتي سهلاً.', 'The company made it easy for me.'),
    },
  ],
  endScreens: [
    { id: 'thanks', title: t('ممنون از شما', 'شكراً لك', 'Thank you') },
    { id: 'thanks_promoter', title: t('خوشحالیم!', 'يسعدنا ذلك!', 'We are glad!') },
  ],
};
