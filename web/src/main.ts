import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import './styles.css';

const app = createApp(App);
app.use(createPinia()).use(i18n).use(router);
app.mount('#app');
document.documentElement.lang = i18n.global.locale.value;
