// The route table. Every screen is lazy-loaded so the first load stays small (code splitting).
// `nav` puts the route in the side navigation (a message key); `permission` hides it from roles without it;
// `public` routes render without the signed-in layout.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface RouteDef {
  path: string;
  component: LazyExoticComponent<ComponentType>;
  permission?: string;
  nav?: string;
  /** An inline-SVG icon name from ui/Icon for the navigation. */
  icon?: string;
  public?: boolean;
}

export const routes: RouteDef[] = [
  { path: '/signin', component: lazy(() => import('./screens/signin/SignIn')), public: true },
  { path: '/invite/:token', component: lazy(() => import('./screens/signin/AcceptInvite')), public: true },
  {
    path: '/',
    component: lazy(() => import('./screens/dashboard/Dashboard')),
    nav: 'nav.dashboard',
    icon: 'home',
  },
  {
    path: '/customers',
    component: lazy(() => import('./screens/customers/CustomerSearch')),
    permission: 'profiles:read',
    nav: 'nav.customers',
    icon: 'people',
  },
  {
    path: '/customers/:id',
    component: lazy(() => import('./screens/customers/Customer360')),
    permission: 'profiles:read',
  },
  {
    path: '/segments',
    component: lazy(() => import('./screens/segments/SegmentsScreen')),
    permission: 'segments:read',
    nav: 'nav.segments',
    icon: 'segments',
  },
  {
    path: '/segments/:id',
    component: lazy(() => import('./screens/segments/SegmentEditor')),
    permission: 'segments:read',
  },
  {
    path: '/automation',
    component: lazy(() => import('./screens/automation/ProcessesScreen')),
    permission: 'processes:read',
    nav: 'nav.automation',
    icon: 'flow',
  },
  {
    path: '/automation/:id',
    component: lazy(() => import('./screens/automation/ProcessDesigner')),
    permission: 'processes:read',
  },
  {
    path: '/templates',
    component: lazy(() => import('./screens/templates/TemplatesScreen')),
    permission: 'templates:read',
    nav: 'nav.templates',
    icon: 'template',
  },
  {
    path: '/templates/new',
    component: lazy(() => import('./screens/templates/TemplateEditor')),
    permission: 'templates:read',
  },
  {
    path: '/templates/:id',
    component: lazy(() => import('./screens/templates/TemplateEditor')),
    permission: 'templates:read',
  },
  {
    path: '/channels',
    component: lazy(() => import('./screens/channels/ChannelsScreen')),
    permission: 'channels:read',
    nav: 'nav.channels',
    icon: 'chat',
  },
  {
    path: '/surveys',
    component: lazy(() => import('./screens/surveys/SurveysScreen')),
    permission: 'surveys:read',
    nav: 'nav.surveys',
    icon: 'survey',
  },
  {
    path: '/surveys/:id',
    component: lazy(() => import('./screens/surveys/SurveyEditor')),
    permission: 'surveys:read',
  },
  {
    path: '/settings',
    component: lazy(() => import('./screens/settings/Settings')),
    permission: 'settings:read',
    nav: 'nav.settings',
    icon: 'gear',
  },
  {
    path: '/settings/:tab',
    component: lazy(() => import('./screens/settings/Settings')),
    permission: 'settings:read',
  },
];
