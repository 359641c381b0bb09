// Streamlit's page says lang="en"; the whole page is French, and screen readers read by this.
document.documentElement.lang = "fr";
