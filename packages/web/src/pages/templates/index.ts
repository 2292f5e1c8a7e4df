// The template library pages (routes in app/App.tsx) and the "Save as template" button that the
// campaign pages can place.
export { TemplateLibraryPage } from './TemplateLibraryPage.tsx';
export { TemplatePage } from './TemplatePage.tsx';
export { SaveAsTemplateButton } from './SaveAsTemplateButton.tsx';
