// A shared template and content blocks used by template, email and bench tests. The fa and ar sentences
// come from the seed articles in shared/seeds.
import type { ContentBlocks, MessageTemplate, RenderContext } from '../src/index';

export const FA_SENTENCE =
  'سرمایه گذاری برروی تجربه مشتری و بهبود و توسعه آن موجب افزایش سودآوری برندها و وفاداری به برند می شود.';
export const AR_SENTENCE =
  'ويعتبر رواد الأعمال هذه الفئة بمثابة رافعة لزيادة عائد رأس المال والاحتفاظ بالعملاء.';

export const BLOCKS: ContentBlocks = {
  price: '{{ product.price | money: product.currency }}',
  shipping: {
    fa: 'ارسال رایگان برای سفارش‌های بالای {{ 500000 | money: "IRT" }}',
    ar: 'شحن مجاني للطلبات التي تزيد عن {{ 200 | money: "SAR" }}',
    en: 'Free shipping on orders over {{ 50 | money: "USD" }}',
  },
  footer: {
    fa: 'فروشگاه نمونه — تهران',
    ar: 'متجر المثال — دبي',
    en: 'Example Shop — London',
  },
};

export const WISHLIST: MessageTemplate = {
  id: 'wishlist-offer',
  defaultLocale: 'en',
  variants: {
    fa: {
      email: {
        subject: '{{ profile.traits.first_name }} عزیز، پیشنهاد ویژه برای {{ product.name }}',
        html: `<h1 style="font-size:20px;">سلام {{ profile.traits.first_name }}</h1>
<p>${FA_SENTENCE}</p>
<p>{{ product.name }}: {% render 'price', product: product %}</p>
<p>{% render 'shipping' %}</p>
<p><a href="{{ product.url }}">مشاهده محصول</a></p>
<p>{% render 'footer' %}</p>`,
      },
      sms: {
        text: '{{ profile.traits.first_name }} عزیز، {{ product.name }} با کد {{ coupon.code }} تخفیف دارد.',
      },
      push: {
        title: 'پیشنهاد ویژه',
        body: '{{ product.name }} — {% render "price", product: product %}',
        url: '{{ product.url }}',
      },
    },
    ar: {
      email: {
        subject: 'عرض خاص على {{ product.name }}',
        html: `<p>مرحبا {{ profile.traits.first_name }}</p><p>${AR_SENTENCE}</p><p>{% render 'price', product: product %}</p><p>{% render 'shipping' %}</p>`,
      },
    },
    en: {
      email: {
        subject: 'A special offer on {{ product.name }}, {{ profile.traits.first_name }}',
        html: `<p>Hi {{ profile.traits.first_name }},</p>
<p>The {{ product.name }} on your wishlist is now {% render 'price', product: product %}.</p>
<p>{% render 'shipping' %}</p>
<p><a href="{{ product.url }}">See it</a> · <a href="{{ unsubscribe_url }}">Unsubscribe</a></p>`,
      },
      sms: {
        text: 'Hi {{ profile.traits.first_name }}, {{ product.name }} is {% render "price", product: product %} with code {{ coupon.code }}.',
      },
      push: {
        title: 'Price drop',
        body: '{{ product.name }} is now {% render "price", product: product %}',
        url: '{{ product.url }}',
        icon: 'https://shop.example/icon.png',
      },
    },
  },
};

export function context(locale: string, overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    profile: {
      id: 'prf_1',
      traits: { first_name: locale === 'fa' ? 'سارا' : locale === 'ar' ? 'ليلى' : 'Charlotte', locale },
    },
    event: { event: 'Product Added to Wishlist' },
    product: {
      name: locale === 'fa' ? 'کفش کوهنوردی' : 'Hiking boots',
      price: 1250000,
      currency: 'IRR',
      url: 'https://shop.example/p/1',
    },
    coupon: { code: 'SPRING10' },
    unsubscribeUrl: 'https://cx.example/u/tok123',
    ...overrides,
  };
}
