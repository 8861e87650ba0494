import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router';
import FieldLayout from './layouts/FieldLayout.vue';
import { getSession } from './graphql/session';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a sign-in on this device. */
    public?: boolean;
    /** locales/ key of the page title. */
    title?: string;
  }
}

/**
 * The committee screens (dashboards, review queue, decomposition, administration) mount here
 * with their own wide layout; they are online screens that read through Apollo.
 */
export const committeeRoutes: RouteRecordRaw[] = [
  {
    path: '/committee',
    component: () => import('./layouts/CommitteeLayout.vue'),
    children: [
      {
        path: '',
        name: 'committee',
        component: () => import('./pages/CommitteeHomePage.vue'),
        meta: { title: 'committee.title' },
      },
      {
        path: 'dashboard',
        name: 'committee-dashboard',
        component: () => import('./pages/committee/CommitteeDashboardPage.vue'),
        meta: { title: 'dashboard.title' },
      },
      {
        path: 'warnings',
        name: 'committee-warnings',
        component: () => import('./pages/committee/CommitteeWarningsPage.vue'),
        meta: { title: 'committeeWarnings.title' },
      },
      {
        path: 'reviews',
        name: 'committee-reviews',
        component: () => import('./pages/committee/ReviewQueuePage.vue'),
        meta: { title: 'reviewQueue.title' },
      },
      {
        path: 'extensions',
        name: 'committee-extensions',
        component: () => import('./pages/committee/ExtensionQueuePage.vue'),
        meta: { title: 'extension.queue.title' },
      },
      {
        path: 'tasks/:id',
        name: 'committee-task',
        component: () => import('./pages/committee/CommitteeTaskPage.vue'),
        meta: { title: 'committeeTask.title' },
      },
      {
        path: 'plan',
        name: 'committee-plan',
        component: () => import('./pages/committee/TaskPlanPage.vue'),
        meta: { title: 'taskPlan.title' },
      },
      {
        path: 'admin/units',
        name: 'committee-admin-units',
        component: () => import('./pages/committee/AdminUnitsPage.vue'),
        meta: { title: 'admin.units.title' },
      },
      {
        path: 'admin/accounts',
        name: 'committee-admin-accounts',
        component: () => import('./pages/committee/AdminAccountsPage.vue'),
        meta: { title: 'admin.accounts.title' },
      },
      {
        path: 'admin/import',
        name: 'committee-import',
        component: () => import('./pages/committee/ImportPage.vue'),
        meta: { title: 'imports.title' },
      },
      {
        path: 'audit',
        name: 'committee-audit',
        component: () => import('./pages/committee/AuditLogPage.vue'),
        meta: { title: 'admin.audit.title' },
      },
      {
        path: 'sync-health',
        name: 'committee-sync-health',
        component: () => import('./pages/committee/SyncHealthPage.vue'),
        meta: { title: 'syncHealth.title' },
      },
      {
        path: 'evaluation',
        name: 'committee-evaluation',
        component: () => import('./pages/committee/EvaluationPage.vue'),
        meta: { title: 'admin.evaluation.title' },
      },
      {
        path: 'report',
        name: 'committee-report',
        component: () => import('./pages/committee/PrintReportPage.vue'),
        meta: { title: 'admin.report.title' },
      },
    ],
  },
  {
    path: '/public',
    name: 'public',
    component: () => import('./pages/PublicDashboardPage.vue'),
    meta: { public: true, title: 'publicView.title' },
  },
  {
    path: '/public/:id',
    name: 'public-dashboard',
    component: () => import('./pages/PublicDashboardPage.vue'),
    meta: { public: true, title: 'publicView.title' },
  },
];

export const routes: RouteRecordRaw[] = [
  {
    path: '/sign-in',
    name: 'sign-in',
    component: () => import('./pages/SignInPage.vue'),
    meta: { public: true, title: 'signIn.title' },
  },
  {
    path: '/',
    component: FieldLayout,
    children: [
      { path: '', name: 'tasks', component: () => import('./pages/TasksPage.vue'), meta: { title: 'tasks.title' } },
      {
        path: 'tasks/:id',
        name: 'task',
        component: () => import('./pages/TaskDetailPage.vue'),
        props: true,
        meta: { title: 'task.title' },
      },
      {
        path: 'tasks/:id/report',
        name: 'report',
        component: () => import('./pages/ReportPage.vue'),
        props: (route) => ({ id: route.params.id, answers: route.query.answers ?? null }),
        meta: { title: 'report.title' },
      },
      {
        path: 'tasks/:id/edit',
        name: 'task-edit',
        component: () => import('./pages/TaskEditPage.vue'),
        props: true,
        meta: { title: 'taskEdit.title' },
      },
      { path: 'sync', name: 'sync', component: () => import('./pages/SyncPage.vue'), meta: { title: 'sync.title' } },
      {
        path: 'sync/conflicts/:conflictId',
        name: 'conflict',
        component: () => import('./pages/ConflictPage.vue'),
        props: true,
        meta: { title: 'conflict.title' },
      },
      {
        path: 'settings',
        name: 'settings',
        component: () => import('./pages/SettingsPage.vue'),
        meta: { title: 'settings.title' },
      },
    ],
  },
  ...committeeRoutes,
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./pages/NotFoundPage.vue'),
    meta: { public: true, title: 'notFound.title' },
  },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
});

/** A device where someone signed in works offline until sign-out: the check is local, no network. */
export function signInGuard(to: RouteLocationNormalized) {
  if (to.meta.public || getSession()) return true;
  return { name: 'sign-in', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
}

router.beforeEach(signInGuard);
